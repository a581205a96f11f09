#include "connectors/console/console_sink.h"

#include <fmt/format.h>
#include <iostream>

#include "api/session_state.h"
#include "connectors/memory/batch_relation.h"
#include "sluice/dataframe.h"

namespace sluice {

ConsoleSink::ConsoleSink(std::shared_ptr<SessionState> session, int num_rows, bool truncate)
    : session_(std::move(session)), num_rows_(num_rows), truncate_(truncate) {}

std::string ConsoleSink::Description() const {
  return "org.apache.spark.sql.execution.streaming.ConsoleTable$";
}

void ConsoleSink::AddBatch(int64_t batch_id, const TypePtr& schema,
                           const std::vector<RecordBatchPtr>& partitions, OutputMode) {
  std::vector<Partition> parts;
  for (const auto& b : partitions) parts.push_back({b});
  DataFrame df(session_, MakeBatchRelationPlan(schema, std::move(parts), "ConsoleSink"));
  std::string out = fmt::format("-------------------------------------------\nBatch: {}\n"
                                "-------------------------------------------\n",
                                batch_id);
  out += df.showString(num_rows_, truncate_ ? 20 : 0);
  std::cout << out << std::endl;
}

}  // namespace sluice
