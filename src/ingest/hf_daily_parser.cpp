#include "ingest/parsers.hpp"

namespace paperfeed::ingest {

// Placeholder until the Hugging Face parser lands: rejects the file with a clear reason.
void ParseHfDaily(std::string_view, const std::string& source, RecordSink& sink) {
  sink.OnError({source, "", "Hugging Face daily input is not supported yet"});
}

}  // namespace paperfeed::ingest
