// search/matcher/query_plan: what a parsed query asks of the segments — its scoring terms with
// their BM25F weights, the lists a document must be in or must not be in, and the filters on day
// and category — built once per query and applied segment by segment.
//
// The matcher's layout follows Xapian's (xapian-core/matcher): the plan here, the filter-only
// scan (filter_scan) and the block-max MaxScore scorer (max_score), each run per segment into one
// TopK collector (top_k.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "search/matcher/cursor.hpp"
#include "search/query_parser.hpp"
#include "search/segment.hpp"

namespace paperfeed::search::matcher {

// Whether "cs.lg cs.ai" has `wanted`, a category ("cs.lg") or an archive ("cs").
bool HasCategory(std::string_view categories, std::string_view wanted);

struct PlanTerm {
  std::string term;
  float weight = 0;  // the list's per-impact weight: idf * (k1 + 1) / 255 * query-term frequency
};

struct QueryPlan {
  std::vector<PlanTerm> terms;        // scoring words; none: a filters-only query
  std::vector<std::string> required;  // index terms a match must have ("a:name", "c:cat")
  std::vector<std::string> excluded;  // index terms a match must not have
  std::optional<int32_t> day_from, day_to;
  std::vector<std::string> categories;  // checked per document only when more than one
  bool category_check = false;
  int64_t matched_estimate = 0;  // the largest df of a scoring term over all segments
};

// The plan of `query` over `segments` (all of them: idf counts every document a list counts,
// masked copies of updated papers included), with BM25F's k1 from `params`.
QueryPlan MakePlan(const ParsedQuery& query, const std::vector<const Segment*>& segments, const Bm25fParams& params);

// Deletions and the day and category filters of a plan, for one segment.
class DocFilter {
 public:
  DocFilter(const QueryPlan& plan, const Segment& segment, const std::vector<uint64_t>& deleted)
      : plan_(plan), segment_(segment), deleted_(deleted),
        filtered_(plan.day_from || plan.day_to || plan.category_check) {}

  bool Passes(uint32_t local) const {
    if ((local >> 6) < deleted_.size() && (deleted_[local >> 6] >> (local & 63)) & 1) return false;
    if (!filtered_) return true;  // no random read of the day table for most queries
    const int32_t day = segment_.day(local);
    if (plan_.day_from && day < *plan_.day_from) return false;
    if (plan_.day_to && day > *plan_.day_to) return false;
    if (plan_.category_check) {
      bool any = false;
      for (const auto& c : plan_.categories) any = any || HasCategory(segment_.categories(local), c);
      if (!any) return false;
    }
    return true;
  }

 private:
  const QueryPlan& plan_;
  const Segment& segment_;
  const std::vector<uint64_t>& deleted_;
  const bool filtered_;
};

// The required and excluded lists of a plan in one segment.
class Constraints {
 public:
  // Nothing when a required term is missing from the segment (no document there can match).
  static std::optional<Constraints> Open(const QueryPlan& plan, const Segment& segment);

  // 0 when `doc` is in every required list and in no excluded one, else the next doc worth trying.
  uint32_t Skip(uint32_t doc) {
    uint32_t next = 0;
    for (auto& c : required_) {
      c->Advance(doc);
      if (c->doc != doc) next = std::max(next, c->doc);
    }
    if (next) return next;
    for (auto& c : excluded_) {
      c->Advance(doc);
      if (c->doc == doc) return doc + 1;
    }
    return 0;
  }
  // The rarest required list, to lead a scan; null when there is none.
  Cursor* RarestRequired();

 private:
  std::vector<std::unique_ptr<Cursor>> required_, excluded_;
};

// The plan's scoring terms' cursors in one segment, cheapest list (lowest bound) first.
std::vector<std::unique_ptr<Cursor>> TermCursors(const QueryPlan& plan, const Segment& segment);

}  // namespace paperfeed::search::matcher
