// A small SPDY/3.1 client for tests, on the server's own framing code:
// connects to a streaming URL, upgrades, opens streams and collects what
// the server sends on each. Blocking, one thread; header-only so that the
// unit and the integration tests share it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/unique_fd.h"
#include "streaming/spdy_frame.h"

namespace crisp::testing {

namespace st = ::crisp::streaming;

class SpdyTestClient {
 public:
  // Connects to http://127.0.0.1:<port><path> and sends the upgrade; the
  // response's status code (101 on success), 0 when unreachable.
  int Connect(const std::string& url, const std::vector<std::string>& protos,
              bool upgrade = true) {
    std::string rest = url.substr(url.find("//") + 2);
    std::string hostport = rest.substr(0, rest.find('/'));
    std::string path = rest.substr(rest.find('/'));
    int port = 0;
    if (!absl::SimpleAtoi(hostport.substr(hostport.find(':') + 1), &port)) {
      return 0;
    }
    fd_.Reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      return 0;
    }
    std::string req =
        absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: ", hostport,
                     "\r\nContent-Length: 0\r\n");
    if (upgrade) req += "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n";
    for (const auto& p : protos) {
      absl::StrAppend(&req, "X-Stream-Protocol-Version: ", p, "\r\n");
    }
    SendRaw(req + "\r\n");
    while (head.find("\r\n\r\n") == std::string::npos) {
      if (!ReadSome(&head)) break;
    }
    size_t end = head.find("\r\n\r\n");
    if (end != std::string::npos) {
      reader_.Append(absl::string_view(head).substr(end + 4));
      head.resize(end + 4);
    }
    int code = 0;
    if (head.size() > 12) (void)absl::SimpleAtoi(head.substr(9, 3), &code);
    return code;
  }

  // SYN_STREAM; the stream id once the server answered SYN_REPLY, 0 when
  // it refused (RST_STREAM) or did not answer.
  uint32_t Open(const st::HeaderList& headers) {
    st::SpdyFrame f;
    f.type = st::FrameType::kSynStream;
    f.stream_id = next_id_;
    next_id_ += 2;
    f.headers = headers;
    Write(f);
    uint32_t id = f.stream_id;
    Pump([&] { return replied.count(id) || reset.count(id); },
         absl::Seconds(10));
    return replied.count(id) ? id : 0;
  }

  void Send(uint32_t id, absl::string_view data, bool fin = false) {
    st::SpdyFrame f;
    f.stream_id = id;
    f.data = std::string(data);
    f.flags = fin ? st::kFlagFin : 0;
    Write(f);
  }
  void Fin(uint32_t id) { Send(id, "", true); }
  void Ping(uint32_t value) {
    st::SpdyFrame f;
    f.type = st::FrameType::kPing;
    f.value = value;
    Write(f);
  }

  // Reads frames until `done` holds; false when `timeout` passed first or
  // the server hung up before.
  bool Pump(const std::function<bool()>& done, absl::Duration timeout) {
    absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      if (!Dispatch() || done()) return done();
      if (absl::Now() >= deadline || eof) return done();
      pollfd p = {fd_.get(), POLLIN, 0};
      int ms =
          static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      if (poll(&p, 1, ms < 1 ? 1 : ms) <= 0) continue;
      std::string bytes;
      if (!ReadSome(&bytes)) eof = true;
      reader_.Append(bytes);
    }
  }
  bool WaitFin(uint32_t id, absl::Duration timeout = absl::Seconds(20)) {
    return Pump([&] { return fin.count(id) > 0; }, timeout);
  }

  std::string head;  // the HTTP response head
  std::map<uint32_t, std::string> data;
  std::set<uint32_t> replied, fin, reset;
  std::vector<uint32_t> pings;
  bool eof = false;

 private:
  bool ReadSome(std::string* out) {
    char buf[16384];
    ssize_t n = recv(fd_.get(), buf, sizeof(buf), 0);
    if (n <= 0) return false;
    out->append(buf, static_cast<size_t>(n));
    return true;
  }
  void SendRaw(absl::string_view s) {
    (void)!send(fd_.get(), s.data(), s.size(), MSG_NOSIGNAL);
  }
  void Write(const st::SpdyFrame& f) {
    SendRaw(st::EncodeFrame(f, compressor_));
  }
  // Handles the frames already read; false on a malformed one.
  bool Dispatch() {
    for (;;) {
      auto f = reader_.Next(decompressor_);
      if (!f.ok()) return false;
      if (!f->has_value()) return true;
      const st::SpdyFrame& frame = **f;
      if (frame.type == st::FrameType::kSynReply)
        replied.insert(frame.stream_id);
      if (frame.type == st::FrameType::kRstStream)
        reset.insert(frame.stream_id);
      if (frame.type == st::FrameType::kPing) pings.push_back(frame.value);
      if (frame.type == st::FrameType::kData) {
        data[frame.stream_id] += frame.data;
        if (frame.fin()) fin.insert(frame.stream_id);
      }
    }
  }

  UniqueFd fd_;
  uint32_t next_id_ = 1;
  st::FrameReader reader_;
  st::HeaderCompressor compressor_;
  st::HeaderDecompressor decompressor_;
};

}  // namespace crisp::testing
