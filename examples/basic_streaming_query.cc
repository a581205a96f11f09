// The seed's "basic streaming query structure" in Sluice's C++ API:
//
//   df = spark.readStream.format("json").schema(schema).load(path)
//   query = df.filter(...).writeStream.outputMode("append").format("json")
//             .option("checkpointLocation", ...).trigger(processingTime='5 seconds').start(out)
//
// Usage: example_basic_streaming_query INPUT_DIR OUTPUT_DIR CHECKPOINT_DIR
// Processes the JSON files already in INPUT_DIR (and any that arrive while it runs), then stops.
#include <iostream>

#include "sluice/sluice.h"

using namespace sluice;
using namespace sluice::functions;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " INPUT_DIR OUTPUT_DIR CHECKPOINT_DIR\n";
    return 2;
  }
  Session spark = Session::builder()
                      .appName("BasicStreamingQuery")
                      .config("spark.sql.streaming.metricsEnabled", "true")
                      .getOrCreate();

  TypePtr schema = StructType({StructField("user_id", StringType()),
                               StructField("event_type", StringType()),
                               StructField("amount", DoubleType()),
                               StructField("timestamp", TimestampType())});

  DataFrame df = spark.readStream().format("json").schema(schema).option("maxFilesPerTrigger", "10").load(argv[1]);

  StreamingQuery query = df.filter(col("user_id").isNotNull() && col("amount") > 0)
                             .writeStream()
                             .outputMode("append")
                             .format("json")
                             .option("checkpointLocation", argv[3])
                             .trigger(Trigger::ProcessingTime("5 seconds"))
                             .start(argv[2]);

  query.processAllAvailable();
  if (auto progress = query.lastProgress()) std::cout << progress->prettyJson() << "\n";
  query.stop();
  return 0;
}
