// SPDY/3.1 framing: every frame kind survives a round trip, frames cut at
// any byte are reassembled, header blocks compress to the bytes any SPDY/3
// zlib peer produces with the specification's dictionary.
#include "streaming/spdy_frame.h"

#include <zlib.h>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "streaming/spdy_dictionary.h"

namespace crisp::streaming {
namespace {

std::vector<SpdyFrame> AllKinds() {
  std::vector<SpdyFrame> frames(9);
  frames[0].stream_id = 5;
  frames[0].data = std::string("hello\0world", 11);
  frames[0].flags = kFlagFin;
  frames[1].type = FrameType::kSynStream;
  frames[1].stream_id = 3;
  frames[1].associated_id = 1;
  frames[1].priority = 5;
  frames[1].flags = kFlagUnidirectional;
  frames[1].headers = {{"streamtype", "stdout"}, {"port", "8080"}};
  frames[2].type = FrameType::kSynReply;
  frames[2].stream_id = 3;
  frames[2].headers = {{"a", std::string("x\0y", 3)}};
  frames[3].type = FrameType::kRstStream;
  frames[3].stream_id = 7;
  frames[3].status = kRstCancel;
  frames[4].type = FrameType::kSettings;
  frames[4].settings = {{1, 4, 100}, {0, 7, 65536}};
  frames[5].type = FrameType::kPing;
  frames[5].value = 0xdeadbeef;
  frames[6].type = FrameType::kGoAway;
  frames[6].stream_id = 9;
  frames[6].status = 2;
  frames[7].type = FrameType::kHeaders;
  frames[7].stream_id = 11;
  frames[7].headers = {{"requestid", "0"}};
  frames[8].type = FrameType::kWindowUpdate;
  frames[8].stream_id = 1;
  frames[8].value = 1 << 20;
  return frames;
}

void ExpectSame(const SpdyFrame& a, const SpdyFrame& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.stream_id, b.stream_id);
  EXPECT_EQ(a.associated_id, b.associated_id);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.headers, b.headers);
  EXPECT_EQ(a.settings, b.settings);
  EXPECT_EQ(a.data, b.data);
}

TEST(SpdyFrameTest, EveryKindRoundTrips) {
  HeaderCompressor c;
  HeaderDecompressor d;
  FrameReader reader;
  std::vector<SpdyFrame> frames = AllKinds();
  for (const SpdyFrame& f : frames) reader.Append(EncodeFrame(f, c));
  for (const SpdyFrame& want : frames) {
    auto got = reader.Next(d);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value());
    ExpectSame(**got, want);
  }
  auto none = reader.Next(d);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(SpdyFrameTest, FramesArrivingByteByByteAreReassembled) {
  HeaderCompressor c;
  HeaderDecompressor d;
  std::string wire;
  for (const SpdyFrame& f : AllKinds()) wire += EncodeFrame(f, c);
  FrameReader reader;
  std::vector<SpdyFrame> got;
  for (char byte : wire) {
    reader.Append(absl::string_view(&byte, 1));
    auto f = reader.Next(d);
    ASSERT_TRUE(f.ok()) << f.status();
    if (f->has_value()) got.push_back(**f);
  }
  ASSERT_EQ(got.size(), 9u);
  ExpectSame(got[1], AllKinds()[1]);
}

TEST(SpdyFrameTest, WireLayoutOfControlAndDataFrames) {
  HeaderCompressor c;
  SpdyFrame ping;
  ping.type = FrameType::kPing;
  ping.value = 7;
  EXPECT_EQ(absl::BytesToHexString(EncodeFrame(ping, c)),
            "800300060000000400000007");
  SpdyFrame data;
  data.stream_id = 3;
  data.flags = kFlagFin;
  data.data = "hi";
  EXPECT_EQ(absl::BytesToHexString(EncodeFrame(data, c)),
            "00000003010000026869");
}

TEST(SpdyFrameTest, DictionaryIsTheSpecificationsOne) {
  const std::string& dict = SpdyDictionary();
  ASSERT_EQ(dict.size(), 1423u);
  EXPECT_EQ(adler32(1, reinterpret_cast<const Bytef*>(dict.data()),
                    static_cast<uInt>(dict.size())),
            0xe3c6a7c2u);
  EXPECT_EQ(dict.substr(0, 11), std::string("\0\0\0\7options", 11));
  EXPECT_EQ(dict.substr(dict.size() - 7), ",enq=0.");
}

// Python's zlib.compressobj(zdict=dictionary) with Z_SYNC_FLUSH after each
// block gives these bytes: the zlib header names the dictionary
// (FDICT, Adler-32 e3c6a7c2) and the second block continues the stream.
TEST(SpdyFrameTest, HeaderCompressionMatchesKnownBytes) {
  HeaderCompressor c;
  EXPECT_EQ(absl::BytesToHexString(
                c.Compress(EncodeHeaderBlock({{"streamtype", "error"}}))),
            "78bbe3c6a7c202a62346703a2b294a4dcc851625aca9a08006000000ffff");
  EXPECT_EQ(absl::BytesToHexString(
                c.Compress(EncodeHeaderBlock({{"streamtype", "stdout"}}))),
            "c22a054ccc29f9a52500000000ffff");
  HeaderDecompressor d;
  auto first = d.Decompress(absl::HexStringToBytes(
      "78bbe3c6a7c202a62346703a2b294a4dcc851625aca9a08006000000ffff"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*DecodeHeaderBlock(*first), (HeaderList{{"streamtype", "error"}}));
  auto second =
      d.Decompress(absl::HexStringToBytes("c22a054ccc29f9a52500000000ffff"));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(HeaderValue(*DecodeHeaderBlock(*second), "streamType"), "stdout");
}

TEST(SpdyFrameTest, MalformedInputIsAnError) {
  HeaderDecompressor d;
  FrameReader reader;
  reader.Append(absl::HexStringToBytes("8002000600000004000000ff"));  // v2
  EXPECT_FALSE(reader.Next(d).ok());
  EXPECT_FALSE(DecodeHeaderBlock(std::string("\0\0\0\1\0\0\0\5ab", 10)).ok());
  EXPECT_FALSE(d.Decompress("not zlib at all").ok());
}

}  // namespace
}  // namespace crisp::streaming
