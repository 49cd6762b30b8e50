// The Stream* RPCs send their list in messages of at most kBatch entries,
// keeping each far below gRPC's message size cap however long the list.
#pragma once

#include <grpcpp/support/sync_stream.h>

namespace crisp::server {

inline constexpr int kStreamBatch = 100;

// add(item, response) appends one item to a response message.
template <typename Response, typename Items, typename Add>
void WriteInBatches(grpc::ServerWriter<Response>* writer, const Items& items,
                    Add&& add) {
  Response batch;
  int n = 0;
  for (const auto& item : items) {
    add(item, batch);
    if (++n == kStreamBatch) {
      writer->Write(batch);
      batch.Clear();
      n = 0;
    }
  }
  if (n > 0) writer->Write(batch);
}

}  // namespace crisp::server
