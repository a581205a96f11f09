#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "api/query_execution.h"
#include "api/session_state.h"
#include "connectors/file/file_sink.h"
#include "connectors/kafka/kafka_sink.h"
#include "delta/delta_write.h"
#include "exec/physical_planner.h"
#include "plan/logical_plan.h"
#include "sluice/dataframe.h"
#include "sluice/exception.h"

namespace sluice {

DataFrameWriter& DataFrameWriter::format(const std::string& source) & {
  format_ = source;
  return *this;
}
DataFrameWriter& DataFrameWriter::mode(const std::string& save_mode) & {
  mode_ = save_mode;
  return *this;
}
DataFrameWriter& DataFrameWriter::option(const std::string& key, const std::string& value) & {
  options_[key] = value;
  return *this;
}
DataFrameWriter& DataFrameWriter::options(const std::map<std::string, std::string>& opts) & {
  for (const auto& [k, v] : opts) options_[k] = v;
  return *this;
}
DataFrameWriter& DataFrameWriter::partitionBy(const std::vector<std::string>& cols) & {
  partition_by_ = cols;
  return *this;
}

void DataFrameWriter::save(const std::string& path) {
  auto& session = *df_.session_state();
  PhysicalPlan physical = PlanPhysical(df_.plan());
  ExecContext ctx;
  ctx.eval = session.MakeEvalContext();
  ctx.pool = &session.pool();
  ctx.shuffle_partitions = session.ShufflePartitions();
  auto parts = physical.root->Execute(ctx);
  TypePtr schema = df_.schema();
  for (auto& p : parts) {
    for (auto& b : p) b = RecordBatch::Make(schema, b->columns(), b->num_rows());
  }
  if (format_ == "kafka") return WriteKafka(options_, mode_, schema, parts);  // `path` unused
  if (format_.size() == 5 && std::equal(format_.begin(), format_.end(), "delta", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      })) {
    DeltaWriteRequest request;
    request.path = path;
    request.mode = ParseDeltaSaveMode(mode_);
    request.options = options_;
    request.partition_by = partition_by_;
    request.schema = schema;
    request.data = std::move(parts);
    WriteDelta(session, request);
    return;
  }
  WriteFiles(session, format_, path, mode_, options_, partition_by_, schema, parts);
}

}  // namespace sluice
