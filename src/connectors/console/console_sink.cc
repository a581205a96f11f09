#include "connectors/console/console_sink.h"

#include <fmt/format.h>
#include <iostream>

#include "api/session_state.h"
#include "plan/logical_plan.h"
#include "sluice/dataframe.h"

namespace sluice {

ConsoleSink::ConsoleSink(std::shared_ptr<SessionState> session, int num_rows, bool truncate)
    : session_(std::move(session)), num_rows_(num_rows), truncate_(truncate) {}

std::string ConsoleSink::Description() const {
  return "org.apache.spark.sql.execution.streaming.ConsoleTable$";
}

void ConsoleSink::AddBatch(int64_t batch_id, const TypePtr& schema,
                           const std::vector<RecordBatchPtr>& partitions, OutputMode) {
  auto p = MakePlan(PlanKind::kLocalRelation);
  for (const auto& f : schema->fields()) {
    Attribute a;
    a.name = f.name;
    a.type = f.type;
    p->output.push_back(a);
  }
  for (const auto& b : partitions) {
    for (size_t i = 0; i < b->num_rows(); ++i) p->local_rows.push_back(b->GetRow(i));
  }
  p->resolved = true;
  DataFrame df(session_, p);
  std::string out = fmt::format("-------------------------------------------\nBatch: {}\n"
                                "-------------------------------------------\n",
                                batch_id);
  out += df.showString(num_rows_, truncate_ ? 20 : 0);
  std::cout << out << std::endl;
}

}  // namespace sluice
