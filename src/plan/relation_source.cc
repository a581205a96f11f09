#include "plan/relation_source.h"

#include "sluice/exception.h"

namespace sluice {

std::vector<Partition> RelationSource::ReadAll(const EvalContext&) const {
  throw AnalysisError("[UNSUPPORTED_STREAMING_OPERATION] " + Description() +
                      " is a streaming source: use writeStream.start() to read it");
}

std::vector<ChunkStream> StreamPartitions(std::vector<Partition> partitions) {
  std::vector<ChunkStream> out;
  out.reserve(partitions.size());
  for (Partition& p : partitions) {
    auto chunks = std::make_shared<Partition>(std::move(p));
    out.push_back([chunks, next = size_t{0}]() mutable -> RecordBatchPtr {
      if (next == chunks->size()) return nullptr;
      RecordBatchPtr c = std::move((*chunks)[next++]);  // released as soon as it is consumed
      return c;
    });
  }
  return out;
}

std::vector<ChunkStream> RelationSource::ReadStreams(const EvalContext& ctx,
                                                     const std::vector<bool>&) const {
  return StreamPartitions(ReadAll(ctx));
}

std::unique_ptr<StreamSource> RelationSource::CreateStream(const StreamSourceContext&) const {
  throw AnalysisError("[UNSUPPORTED_DATA_SOURCE] " + Description() +
                      " cannot be read as a stream: use session.read() for batch reads");
}

PlanPtr MakeSourcePlan(std::shared_ptr<RelationSource> source, bool streaming, SourceNullability nullability) {
  PlanPtr plan = MakePlan(PlanKind::kSource);
  TypePtr schema = source->schema();  // may be a new object: keep it alive while iterating
  for (const StructField& f : schema->fields()) {
    Attribute a;
    a.name = f.name;
    a.type = f.type;
    a.nullable = nullability == SourceNullability::kAllNullable || f.nullable;
    plan->output.push_back(std::move(a));
  }
  plan->source = std::move(source);
  plan->resolved = true;
  plan->is_streaming = streaming;
  return plan;
}

}  // namespace sluice
