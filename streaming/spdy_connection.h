// The server end of one SPDY/3.1 connection on a socket: frames in and out,
// the client's streams, SYN_REPLY and RST_STREAM answers, PING echoes.
// SETTINGS and WINDOW_UPDATE are accepted and ignored: client-go's
// spdystream does not do flow control either, so neither end waits for
// window updates. Used from one thread only (the session's).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/unique_fd.h"
#include "streaming/spdy_frame.h"

namespace crisp::streaming {

class SpdyConnection {
 public:
  // What a session does with the client's streams.
  class Handler {
   public:
    virtual ~Handler() = default;
    // A new stream; false refuses it (RST_STREAM), true answers SYN_REPLY.
    virtual bool OnStream(uint32_t id, const HeaderList& headers) = 0;
    virtual void OnData(uint32_t id, absl::string_view data) = 0;
    virtual void OnFin(uint32_t id) = 0;  // the client sends no more
    virtual void OnReset(uint32_t id) = 0;
  };

  // `leftover`: bytes read past the HTTP request (frames already sent).
  SpdyConnection(UniqueFd socket, std::string leftover);

  int fd() const { return socket_.get(); }
  // The client hung up, sent GOAWAY, or the socket failed.
  bool closed() const { return closed_; }

  // Reads what the socket holds and dispatches every whole frame.
  void ReadAvailable(Handler& handler);

  // Data on a stream (cut into frames); nothing after Finish.
  void Send(uint32_t id, absl::string_view data);
  // FIN: the server sends no more on `id`. Repeats are ignored.
  void Finish(uint32_t id);
  void Reset(uint32_t id, uint32_t status);

  // Shuts the write side and waits up to `linger` for the client to close,
  // so that everything sent is read before the socket goes away.
  void Close(absl::Duration linger);

 private:
  struct StreamState {
    bool local_fin = false;
  };
  void Dispatch(const SpdyFrame& frame, Handler& handler);
  void OnSynStream(const SpdyFrame& frame, Handler& handler);
  void Write(const SpdyFrame& frame);

  UniqueFd socket_;
  FrameReader reader_;
  HeaderCompressor compressor_;
  HeaderDecompressor decompressor_;
  std::map<uint32_t, StreamState> streams_;
  bool closed_ = false;
};

}  // namespace crisp::streaming
