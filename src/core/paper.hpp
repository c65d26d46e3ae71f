// core/paper: the catalogue's record of one arXiv paper and of its place in the daily list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paperfeed::core {

// Where a paper's metadata came from. arXiv's own sources outrank Hugging Face's copy of it.
enum class MetadataSource { kHuggingFace = 0, kArxiv = 1 };

struct PaperVersion {
  int number = 0;        // 1 for v1
  std::string created;   // ISO 8601 UTC, "2007-04-02T19:18:42Z"; empty when the source gives no date
};

// A Hugging Face account as the source names it (a submitter, or the user an author is linked to).
struct HfUser {
  std::string id;               // "_id"
  std::string user;             // the user name ("akhaliq")
  std::string fullname;
  std::string avatar_url;       // "avatarUrl": "/avatars/….svg" or an absolute URL
  std::string type;             // "user" or "org"
  std::optional<bool> is_pro;   // "isPro"; absent when the source does not say
  bool empty() const { return id.empty() && user.empty() && fullname.empty() && avatar_url.empty() && type.empty() && !is_pro; }
};

// One author as Hugging Face records it: its id, whether the paper page hides it, and the account
// the author claimed, when any.
struct HfAuthor {
  std::string name;
  std::string id;               // "_id"
  std::optional<bool> hidden;
  std::optional<HfUser> user;
};

struct HfOrganization {
  std::string id;               // "_id"
  std::string name;             // "ByteDance-Seed"
  std::string fullname;         // "ByteDance Seed"
  std::string avatar;           // an absolute URL
};

// What Hugging Face adds to a paper beyond arXiv's metadata. Empty for papers it never listed.
struct HfPaperDetails {
  std::string ai_summary;                 // machine-written one-paragraph summary
  std::vector<std::string> ai_keywords;
  std::string thumbnail;                  // social thumbnail URL
  std::vector<std::string> media_urls;    // videos and images the authors attached
  std::optional<HfOrganization> organization;
  std::vector<HfAuthor> authors;          // in the source's order; names as Hugging Face has them
  std::string discussion_id;              // "discussionId": the paper page's comment thread
  bool empty() const {
    return ai_summary.empty() && ai_keywords.empty() && thumbnail.empty() && media_urls.empty() && !organization &&
           authors.empty() && discussion_id.empty();
  }
};

struct Paper {
  std::string id;                       // arXiv id without version: "2501.01234", "hep-th/9901001"
  int latest_version = 0;               // 0 when the source does not say (Hugging Face)
  std::vector<PaperVersion> versions;   // ascending by number
  std::string title;                    // as the source has it (TeX kept)
  std::string abstract;                 // as the source has it (TeX and line breaks kept)
  std::vector<std::string> authors;     // in order, "Forenames Keyname"
  std::string primary_category;         // "cs.LG"
  std::vector<std::string> categories;  // primary first, then cross-lists
  std::string published;                // first version's date, ISO 8601
  std::string updated;                  // last update date, ISO 8601
  std::string comments;
  std::string journal_ref;
  std::string doi;
  std::string license;
  std::string submitter;                // the arXiv submitter, when known
  std::optional<std::string> github_repo;
  std::optional<int64_t> github_stars;
  std::optional<std::string> project_page;
  MetadataSource source = MetadataSource::kArxiv;
  HfPaperDetails hf;                    // Hugging Face's additions (store/hf_details keeps them)
};

// A paper's entry in the daily list (Hugging Face's daily_papers or a local submission).
struct DailyEntry {
  std::string paper_id;
  std::string day;                 // YYYY-MM-DD in America/New_York, the day it entered the list
  std::string submitted_by;        // user name ("taesiri")
  std::string submitted_by_fullname;
  int64_t upvotes = 0;             // upvotes counted by the source (Hugging Face)
  int64_t num_comments = 0;
  HfUser submitter;                // the submitter's Hugging Face account details (_id, avatarUrl, type, isPro)
};

}  // namespace paperfeed::core
