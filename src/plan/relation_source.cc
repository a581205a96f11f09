#include "plan/relation_source.h"

#include "sluice/exception.h"

namespace sluice {

std::vector<Partition> RelationSource::ReadAll(const EvalContext&) const {
  throw AnalysisError("[UNSUPPORTED_STREAMING_OPERATION] " + Description() +
                      " is a streaming source: use writeStream.start() to read it");
}

std::unique_ptr<StreamSource> RelationSource::CreateStream(const StreamSourceContext&) const {
  throw AnalysisError("[UNSUPPORTED_DATA_SOURCE] " + Description() +
                      " cannot be read as a stream: use session.read() for batch reads");
}

}  // namespace sluice
