// JsonReader's streamed file input (chunk boundaries), its iterate_many fast path against the
// one-parse-per-line path, the raw-key cache and the timestamp fast path. The reference for the
// fast path is the same reader with allowComments=true, which reads line by line (the inputs here
// hold no comments).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "formats/json/json_reader.h"
#include "formats/text_field.h"
#include "sluice/exception.h"

namespace sluice {
namespace {

struct Result {
  std::vector<std::vector<Value>> rows;
  ReadCounts counts;
  std::string error;  // FAILFAST message, if thrown
  size_t batches = 0;
};

bool operator==(const ReadCounts& a, const ReadCounts& b) {
  return a.records == b.records && a.rows_emitted == b.rows_emitted &&
         a.malformed == b.malformed && a.dropped == b.dropped;
}

std::string WriteTemp(std::string_view text) {
  static int n = 0;
  auto path = std::filesystem::path(testing::TempDir()) /
              ("json_chunked_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".json");
  std::ofstream(path, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
  return path.string();
}

// Reads `text` from a file (chunk > 0: streamed with that chunk size) or from memory (chunk 0).
Result Read(const TypePtr& schema, std::string_view text, OptionMap opts, size_t chunk,
            const std::string& path = "") {
  Result r;
  if (chunk > 0) opts["readChunkBytes"] = std::to_string(chunk);
  JsonReader reader(schema, JsonOptions::FromMap(opts));
  try {
    if (chunk > 0) {
      reader.Open(InputBuffer::FromFile(path.empty() ? WriteTemp(text) : path));
    } else {
      reader.OpenString(text, "/x/a.json");
    }
    while (auto b = reader.Next()) {
      ++r.batches;
      for (size_t i = 0; i < b->num_rows(); ++i) r.rows.push_back(b->GetRow(i));
    }
  } catch (const ExecutionError& e) {
    r.error = e.what();
    // The message names the file: keep only what follows "line".
    auto at = r.error.find(" line ");
    if (at != std::string::npos) r.error = r.error.substr(at);
  }
  r.counts = reader.counts();
  return r;
}

// Every way of reading `text` gives the per-line reference's rows, counts and errors.
void ExpectAllPathsAgree(const TypePtr& schema, std::string_view text, const OptionMap& opts) {
  OptionMap ref_opts = opts;
  ref_opts["allowComments"] = "true";
  Result ref = Read(schema, text, ref_opts, 0);
  std::string path = WriteTemp(text);
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{3}, size_t{16}, size_t{61}, size_t{4096},
                       size_t{1} << 20}) {
    Result got = Read(schema, text, opts, chunk, chunk > 0 ? path : "");
    SCOPED_TRACE("chunk " + std::to_string(chunk) + " input: " + std::string(text.substr(0, 200)));
    EXPECT_EQ(got.error, ref.error);
    EXPECT_TRUE(got.counts == ref.counts)
        << got.counts.records << "/" << ref.counts.records << " " << got.counts.rows_emitted << "/"
        << ref.counts.rows_emitted << " " << got.counts.malformed << "/" << ref.counts.malformed;
    ASSERT_EQ(got.rows.size(), ref.rows.size());
    for (size_t i = 0; i < ref.rows.size(); ++i) EXPECT_EQ(got.rows[i], ref.rows[i]) << "row " << i;
  }
  std::filesystem::remove(path);
}

const OptionMap kModes[] = {{}, {{"mode", "DROPMALFORMED"}}, {{"mode", "FAILFAST"}}};

TEST(JsonChunkedReaderTest, RecordsSpanningChunksMatchInMemory) {
  auto schema = ParseSchema("a BIGINT, s STRING, t TIMESTAMP");
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "{\"a\":" + std::to_string(i) + ",\"s\":\"" + std::string(i % 37, 'x') +
            "\",\"t\":\"2024-01-0" + std::to_string(1 + i % 9) + "T10:00:00.5Z\",\"u\":[1,2]}\n";
  }
  Result ref = Read(schema, text, {}, 0);
  ASSERT_EQ(ref.rows.size(), 300u);
  EXPECT_EQ(ref.rows[299][0], Value::Long(299));
  ExpectAllPathsAgree(schema, text, {});
  ExpectAllPathsAgree(schema, text, {{"batchRows", "7"}});
}

TEST(JsonChunkedReaderTest, RecordLongerThanChunk) {
  auto schema = ParseSchema("a INT, s STRING");
  std::string big(100000, 'q');
  std::string text = "{\"a\":1}\n{\"a\":2,\"s\":\"" + big + "\"}\n{\"a\":3}\n";
  Result r = Read(schema, text, {}, 64);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1][1], Value::String(big));
  EXPECT_EQ(r.rows[2][0], Value::Int(3));
  // Longer than iterate_many's 1 MiB batch too: read by the per-line fallback.
  std::string huge(1 << 21, 'h');
  std::string text2 = "{\"a\":1}\n{\"s\":\"" + huge + "\"}\n{\"a\":3}\n";
  Result r2 = Read(schema, text2, {}, 1 << 10);
  ASSERT_EQ(r2.rows.size(), 3u);
  EXPECT_EQ(r2.rows[1][1], Value::String(huge));
  Result r3 = Read(schema, text2, {}, 0);
  ASSERT_EQ(r3.rows.size(), 3u);
  EXPECT_EQ(r3.rows[1][1], Value::String(huge));
  ExpectAllPathsAgree(schema, text, {});
}

TEST(JsonChunkedReaderTest, CrLfLastLineWithoutNewlineAndBlankLines) {
  auto schema = ParseSchema("a INT, _corrupt_record STRING");
  for (std::string text : {"{\"a\":1}\r\n{\"a\":2}\r\n", "{\"a\":1}\r\n\r\n  \r\n{\"a\":2}",
                           "{\"a\":1}\n{\"a\":2}\r", "\n\n{\"a\":1}\n   \n{\"a\":x}\r\n{\"a\":3}",
                           "{\"a\":\"no\"}\r\n{\"a\":2}  \t\r\n"}) {
    for (const auto& mode : kModes) ExpectAllPathsAgree(schema, text, mode);
  }
  Result r = Read(schema, "{\"a\":\"no\"}\r\n{\"a\":2}", {}, 5);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0][1], Value::String("{\"a\":\"no\"}"));  // without the CR
  EXPECT_EQ(r.rows[1][0], Value::Int(2));
}

TEST(JsonChunkedReaderTest, EmptyAndBlankFiles) {
  auto schema = ParseSchema("a INT");
  for (std::string text : {"", "\n", "\n\n  \n", "   "}) {
    Result r = Read(schema, text, {}, 4);
    EXPECT_EQ(r.batches, 0u);
    EXPECT_TRUE(r.rows.empty());
    EXPECT_EQ(r.counts.records, 0);
    ExpectAllPathsAgree(schema, text, {});
  }
}

TEST(JsonChunkedReaderTest, FailFastLineNumbersAcrossChunksAndFastPath) {
  auto schema = ParseSchema("a INT");
  std::string text;
  for (int i = 0; i < 500; ++i) text += i % 50 == 0 ? "\n" : "{\"a\":" + std::to_string(i) + "}\n";
  text += "{\"a\":1} {\"a\":2}\n{\"a\":3}\n";  // line 501: two documents on one line
  Result r = Read(schema, text, {{"mode", "FAILFAST"}}, 32);
  EXPECT_NE(r.error.find(" line 501: trailing characters"), std::string::npos) << r.error;
  ExpectAllPathsAgree(schema, text, {{"mode", "FAILFAST"}});
}

TEST(JsonChunkedReaderTest, DocumentsThatAreNotOneLineFallBack) {
  auto schema = ParseSchema("a INT, b ARRAY<INT>, _corrupt_record STRING");
  for (std::string text : {
           "{\"a\":1}\n{\"a\":\n2}\n{\"a\":3}\n",          // an object across two lines
           "{\"a\":1}{\"a\":2}\n{\"a\":3}\n",              // two objects, no space
           "{\"a\":1} x\n{\"a\":3}\n",                     // trailing garbage
           "[{\"a\":1},{\"a\":2}]\n{\"a\":3}\n[1]\n",      // top-level arrays
           "{\"a\":1}\n42\n\"s\"\nnull\n{\"a\":5}\n",      // scalars
           "{\"a\":1,\"b\":[1,\"x\",3]}\n{\"a\":2}\n",     // partial result
           "{\"a\":1}\n{\"a\":2\n",                       // truncated last record
           "{\"a\":1}\n{\"a\":\"\xff\"}\n{\"a\":3}\n",    // invalid UTF-8
           "{\"a\":1}\n{\"a\":2}}\n{\"a\":3}\n",          // extra closing brace
           "{\"a\":1}\n]\n{\"a\":3}\n",
       }) {
    for (const auto& mode : kModes) ExpectAllPathsAgree(schema, text, mode);
  }
}

TEST(JsonChunkedReaderTest, KeyCacheHandlesEscapesOrderAndUnknownKeys) {
  auto schema = ParseSchema("`a\"b` INT, ab INT, Name STRING, averyveryverylongfieldname INT");
  std::string text =
      "{\"a\\\"b\":1,\"ab\":2,\"zz\":0,\"name\":\"x\",\"averyveryverylongfieldname\":7}\n"
      "{\"ab\":3,\"a\\\"b\":4,\"zz\":0,\"NAME\":\"y\",\"averyveryverylongfieldnamf\":8}\n"
      "{\"a\\u0022b\":5,\"ab\\\\\":6,\"Name\":\"z\",\"averyveryverylongfieldname\":9}\n"
      "{\"a\":1,\"abc\":2,\"Name\":\"w\"}\n";
  Result r = Read(schema, text, {}, 0);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0], (std::vector<Value>{Value::Int(1), Value::Int(2), Value::String("x"),
                                            Value::Int(7)}));
  EXPECT_EQ(r.rows[1], (std::vector<Value>{Value::Int(4), Value::Int(3), Value::String("y"),
                                            Value::Null(IntegerType())}));
  EXPECT_EQ(r.rows[2], (std::vector<Value>{Value::Int(5), Value::Null(IntegerType()),
                                            Value::String("z"), Value::Int(9)}));
  EXPECT_EQ(r.rows[3], (std::vector<Value>{Value::Null(IntegerType()), Value::Null(IntegerType()),
                                            Value::String("w"), Value::Null(IntegerType())}));
  ExpectAllPathsAgree(schema, text, {});
}

TEST(JsonChunkedReaderTest, RandomLinesAgreeWithPerLineReading) {
  auto schema = ParseSchema("a INT, b STRING, t TIMESTAMP, c STRUCT<x: DOUBLE>, _corrupt_record STRING");
  const char* pieces[] = {"{\"a\":1,\"b\":\"x\"}", "{\"b\":\"y\",\"a\":2,\"t\":\"2024-02-29 01:02:03\"}",
                          "{\"a\":\"bad\"}", "{\"c\":{\"x\":1.5},\"A\":4}", "  ", "", "{\"a\":",
                          "[{\"a\":9}]", "{}", "x", "{\"t\":\"2024-02-30T00:00:00Z\"}",
                          "{\"t\":1700000000}", "{\"a\":1}{\"a\":2}", "\r", "{\"b\":[1, 2]}"};
  std::mt19937 rng(7);
  for (int round = 0; round < 40; ++round) {
    std::string text;
    int lines = static_cast<int>(rng() % 30);
    for (int i = 0; i < lines; ++i) {
      text += pieces[rng() % std::size(pieces)];
      if (i + 1 < lines || rng() % 2) text += rng() % 4 == 0 ? "\r\n" : "\n";
    }
    for (const auto& mode : kModes) ExpectAllPathsAgree(schema, text, mode);
  }
}

TEST(JsonChunkedReaderTest, LazyFileBufferLoadsOnDemand) {
  std::string path = WriteTemp("{\"a\":1}\n");
  auto buffer = InputBuffer::FromFile(path);
  EXPECT_TRUE(buffer->IsUnloadedFile());
  EXPECT_EQ(buffer->view(), "{\"a\":1}\n");
  EXPECT_FALSE(buffer->IsUnloadedFile());
  EXPECT_EQ(buffer->data()[buffer->size()], '\0');  // padding
  EXPECT_EQ(buffer->source_name(), path);
  std::filesystem::remove(path);
  EXPECT_THROW(InputBuffer::FromFile(path), IoError);
  // A reader streaming a file that was opened via FromFile reads all of it.
  auto schema = ParseSchema("a INT");
  std::string path2 = WriteTemp("{\"a\":1}\n{\"a\":2}");
  JsonReader reader(schema, JsonOptions::FromMap({{"readChunkBytes", "3"}}));
  reader.Open(InputBuffer::FromFile(path2));
  size_t rows = 0;
  while (auto b = reader.Next()) rows += b->num_rows();
  EXPECT_EQ(rows, 2u);
  std::filesystem::remove(path2);
}

TEST(TimestampTextParserTest, FastPathMatchesGeneralParser) {
  const char* texts[] = {
      "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z", "2024-01-01 10:11:12",
      "2024-01-01T10:11:12.123456789Z", "2024-01-01T10:11:12.1234567891Z", "2024-01-01T10:11:12.Z",
      "2024-02-29T10:11:12+05:30", "2023-02-29T10:11:12Z", "2024-12-31T23:59:59-18:00",
      "2024-12-31T23:59:59+18:01", "2024-12-31T23:59:59+19:00", "2024-13-01T00:00:00Z",
      "2024-00-10T00:00:00Z", "2024-01-32 00:00:00", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00",
      "2024-01-01T23:59:60", "2024-01-01 1:02:03", " 2024-01-01 10:11:12", "2024-01-01T10:11:12 UTC",
      "2024-01-01T10:11:12+0530", "2024-01-01T10:11:12z", "0000-01-01T00:00:00Z",
      "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2024-01-01", "2024-01-01T10:11:12.5",
      "2024-01-01T10:11:12-00:00", "2024-01-01T10:11:12+05:3x", "2024/01/01 10:11:12",
  };
  for (const char* tz : {"UTC", "America/Los_Angeles", "+02:00"}) {
    DatetimeFormats formats;
    formats.time_zone = tz;
    TimestampTextParser parser(formats);
    for (const char* text : texts) {
      int64_t fast = 0, general = 0;
      bool fast_ok = parser.ParseTimestamp(text, &fast);
      bool general_ok = ParseTimestampText(text, formats, &general);
      EXPECT_EQ(fast_ok, general_ok) << text << " in " << tz;
      if (fast_ok && general_ok) {
        EXPECT_EQ(fast, general) << text << " in " << tz;
      }
      fast_ok = parser.ParseTimestampNtz(text, &fast);
      general_ok = ParseTimestampNtzText(text, formats, &general);
      EXPECT_EQ(fast_ok, general_ok) << "NTZ " << text;
      if (fast_ok && general_ok) {
        EXPECT_EQ(fast, general) << "NTZ " << text;
      }
    }
  }
}

}  // namespace
}  // namespace sluice
