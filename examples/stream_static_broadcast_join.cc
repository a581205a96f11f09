// Stream-static join: a stream of orders enriched with a static product dimension marked for
// broadcast (PySpark: orders.join(broadcast(products), "product_id", "left")). The static side is
// built once per query; stream rows are joined as they arrive, no state is kept.
//
// Usage: example_stream_static_broadcast_join
#include <iostream>

#include "sluice/sluice.h"

using namespace sluice;
using namespace sluice::functions;

int main() {
  Session spark = Session::builder().appName("StreamStaticBroadcastJoin").getOrCreate();

  DataFrame products = spark.createDataFrame(
      {{Value::Int(1), Value::String("keyboard"), Value::Double(49.0)},
       {Value::Int(2), Value::String("mouse"), Value::Double(19.5)},
       {Value::Int(3), Value::String("screen"), Value::Double(189.0)}},
      "product_id INT, name STRING, price DOUBLE");

  MemoryStream orders = spark.memoryStream(ParseSchema("order_id INT, product_id INT, qty INT"));
  DataFrame enriched = orders.toDF()
                           .join(broadcast(products), std::vector<std::string>{"product_id"}, "left")
                           .withColumn("total", col("qty") * col("price"));

  StreamingQuery q = enriched.writeStream().format("memory").queryName("enriched_orders").outputMode("append").start();
  orders.addData({{Value::Int(100), Value::Int(1), Value::Int(2)},
                  {Value::Int(101), Value::Int(3), Value::Int(1)},
                  {Value::Int(102), Value::Int(9), Value::Int(5)}});  // unknown product: NULLs
  q.processAllAvailable();
  orders.addData({{Value::Int(103), Value::Int(2), Value::Int(4)}});
  q.processAllAvailable();
  q.explain();
  q.stop();
  spark.sql("SELECT * FROM enriched_orders ORDER BY order_id").show();
  return 0;
}
