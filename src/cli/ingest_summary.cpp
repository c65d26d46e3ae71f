#include "cli/ingest_summary.hpp"

#include <iostream>

#include "core/progress.hpp"

namespace paperfeed::cli {

nlohmann::json SummaryToJson(const ingest::IngestSummary& s) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : s.errors) errors.push_back({{"source", e.source}, {"location", e.location}, {"reason", e.reason}});
  return {{"read", s.read},         {"inserted", s.inserted}, {"updated", s.updated},
          {"unchanged", s.unchanged}, {"rejected", s.rejected}, {"errors", std::move(errors)},
          {"errors_not_listed", s.errors_not_listed}, {"seconds", s.seconds}};
}

void PrintSummary(const ingest::IngestSummary& s) {
  for (const auto& e : s.errors) {
    std::cerr << "rejected: " << e.source << (e.location.empty() ? "" : ":" + e.location) << ": " << e.reason << "\n";
  }
  if (s.errors_not_listed > 0) std::cerr << "... and " << s.errors_not_listed << " more rejected records\n";
  double rate = s.seconds > 0 ? static_cast<double>(s.read) / s.seconds : 0;
  std::cout << "read " << s.read << ", inserted " << s.inserted << ", updated " << s.updated << ", unchanged "
            << s.unchanged << ", rejected " << s.rejected << " in " << s.seconds << " s ("
            << core::HumanCount(rate, " records") << "/s)\n";
  if (s.read > 0 && s.read == s.unchanged) std::cout << "unchanged: the catalogue already holds all of it\n";
}

}  // namespace paperfeed::cli
