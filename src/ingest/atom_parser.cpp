#include "ingest/parsers.hpp"

namespace paperfeed::ingest {

// Placeholder until the Atom parser lands: rejects the file with a clear reason.
void ParseArxivAtom(std::string_view, const std::string& source, RecordSink& sink) {
  sink.OnError({source, "", "Atom input is not supported yet"});
}

}  // namespace paperfeed::ingest
