#include "ingest/parsers.hpp"

namespace paperfeed::ingest {

// Placeholder until the OAI-PMH parser lands: rejects the file with a clear reason.
OaiPage ParseOaiListRecords(std::string_view, const std::string& source, RecordSink& sink) {
  sink.OnError({source, "", "OAI-PMH input is not supported yet"});
  return {};
}

}  // namespace paperfeed::ingest
