#include "store/hf_details.hpp"

#include <nlohmann/json.hpp>

#include "store/database.hpp"

namespace paperfeed::store {
namespace {

using nlohmann::json;

// The rank that makes merging order-independent: any value beats none, a longer one a shorter,
// then the greater text. A total order, so "keep the higher" is commutative and associative.
bool Outranks(const std::string& incoming, const std::string& stored) {
  if (incoming.empty()) return false;
  if (incoming.size() != stored.size()) return incoming.size() > stored.size();
  return incoming > stored;
}

std::string EncodeList(const std::vector<std::string>& items) { return items.empty() ? "" : json(items).dump(); }

json UserToJson(const core::HfUser& u) {
  json out = json::object();
  if (!u.id.empty()) out["_id"] = u.id;
  if (!u.avatar_url.empty()) out["avatarUrl"] = u.avatar_url;
  if (u.is_pro) out["isPro"] = *u.is_pro;
  if (!u.fullname.empty()) out["fullname"] = u.fullname;
  if (!u.user.empty()) out["user"] = u.user;
  if (!u.type.empty()) out["type"] = u.type;
  return out;
}

core::HfUser UserFromJson(const json& j) {
  core::HfUser u;
  if (!j.is_object()) return u;
  u.id = j.value("_id", "");
  u.avatar_url = j.value("avatarUrl", "");
  if (j.contains("isPro") && j["isPro"].is_boolean()) u.is_pro = j["isPro"].get<bool>();
  u.fullname = j.value("fullname", "");
  u.user = j.value("user", "");
  u.type = j.value("type", "");
  return u;
}

std::string EncodeOrganization(const std::optional<core::HfOrganization>& o) {
  if (!o) return "";
  return json{{"_id", o->id}, {"name", o->name}, {"fullname", o->fullname}, {"avatar", o->avatar}}.dump();
}

std::string EncodeAuthors(const std::vector<core::HfAuthor>& authors) {
  if (authors.empty()) return "";
  json out = json::array();
  for (const auto& a : authors) {
    json j = {{"name", a.name}};
    if (!a.id.empty()) j["_id"] = a.id;
    if (a.hidden) j["hidden"] = *a.hidden;
    if (a.user) j["user"] = UserToJson(*a.user);
    out.push_back(std::move(j));
  }
  return out.dump();
}

// Stored JSON was written by the functions above; anything unreadable decodes as empty.
json Parse(std::string_view text) {
  if (text.empty()) return json();
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::vector<std::string> DecodeList(std::string_view text) {
  std::vector<std::string> out;
  json j = Parse(text);
  if (!j.is_array()) return out;
  for (const auto& item : j)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::optional<core::HfOrganization> DecodeOrganization(std::string_view text) {
  json j = Parse(text);
  if (!j.is_object()) return std::nullopt;
  return core::HfOrganization{j.value("_id", ""), j.value("name", ""), j.value("fullname", ""), j.value("avatar", "")};
}

std::vector<core::HfAuthor> DecodeAuthors(std::string_view text) {
  std::vector<core::HfAuthor> out;
  json j = Parse(text);
  if (!j.is_array()) return out;
  for (const auto& a : j) {
    if (!a.is_object()) continue;
    core::HfAuthor author;
    author.name = a.value("name", "");
    author.id = a.value("_id", "");
    if (a.contains("hidden") && a["hidden"].is_boolean()) author.hidden = a["hidden"].get<bool>();
    if (a.contains("user")) author.user = UserFromJson(a["user"]);
    out.push_back(std::move(author));
  }
  return out;
}

// The seven columns of paper_hf after paper_id, in table order, as stored text.
struct EncodedDetails {
  std::string columns[7];
};

EncodedDetails Encode(const core::HfPaperDetails& d) {
  return {{d.ai_summary, EncodeList(d.ai_keywords), d.thumbnail, EncodeList(d.media_urls),
           EncodeOrganization(d.organization), EncodeAuthors(d.authors), d.discussion_id}};
}

core::HfPaperDetails Decode(const Statement& s, int first) {
  core::HfPaperDetails d;
  d.ai_summary = s.Text(first);
  d.ai_keywords = DecodeList(s.TextView(first + 1));
  d.thumbnail = s.Text(first + 2);
  d.media_urls = DecodeList(s.TextView(first + 3));
  d.organization = DecodeOrganization(s.TextView(first + 4));
  d.authors = DecodeAuthors(s.TextView(first + 5));
  d.discussion_id = s.Text(first + 6);
  return d;
}

constexpr const char* kColumns = "ai_summary, ai_keywords, thumbnail, media_urls, organization, authors, discussion_id";

// Stored '[]' (the column default) and '' both mean "none".
std::string Normalised(std::string text) { return text == "[]" ? std::string() : text; }

}  // namespace

core::Result<bool> MergeHfDetails(Database& db, const std::string& paper_id, const core::HfPaperDetails& details) {
  if (details.empty()) return false;
  EncodedDetails incoming = Encode(details);
  auto find = db.Prepare(std::string("SELECT ") + kColumns + " FROM paper_hf WHERE paper_id = ?");
  if (!find) return find.error();
  find->Bind(1, paper_id);
  auto row = find->Step();
  if (!row) return row.error();
  EncodedDetails merged;
  bool changed = false;
  for (int i = 0; i < 7; ++i) {
    std::string stored = row.value() ? Normalised(find->Text(i)) : std::string();
    if (Outranks(incoming.columns[i], stored)) {
      merged.columns[i] = incoming.columns[i];
      changed = true;
    } else {
      merged.columns[i] = std::move(stored);
    }
  }
  if (!changed) return false;
  auto write = db.Prepare(std::string("INSERT INTO paper_hf(paper_id, ") + kColumns +
                          ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(paper_id) DO UPDATE SET "
                          "ai_summary=excluded.ai_summary, ai_keywords=excluded.ai_keywords, "
                          "thumbnail=excluded.thumbnail, media_urls=excluded.media_urls, "
                          "organization=excluded.organization, authors=excluded.authors, "
                          "discussion_id=excluded.discussion_id");
  if (!write) return write.error();
  write->Bind(1, paper_id);
  for (int i = 0; i < 7; ++i) {
    // The list columns keep the schema's '[]' for "none".
    const bool list = i == 1 || i == 3 || i == 5;
    write->Bind(i + 2, merged.columns[i].empty() && list ? std::string("[]") : merged.columns[i]);
  }
  if (auto r = write->Run(); !r) return r.error();
  return true;
}

core::Result<core::HfPaperDetails> LoadHfDetails(Database& db, const std::string& paper_id) {
  auto s = db.Prepare(std::string("SELECT ") + kColumns + " FROM paper_hf WHERE paper_id = ?");
  if (!s) return s.error();
  s->Bind(1, paper_id);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return core::HfPaperDetails{};
  return Decode(*s, 0);
}

core::Result<std::unordered_map<std::string, core::HfPaperDetails>> LoadHfDetails(
    Database& db, const std::vector<std::string>& paper_ids) {
  std::unordered_map<std::string, core::HfPaperDetails> out;
  constexpr size_t kChunk = 400;  // below SQLite's default limit of bound parameters
  for (size_t begin = 0; begin < paper_ids.size(); begin += kChunk) {
    size_t end = std::min(paper_ids.size(), begin + kChunk);
    std::string sql = std::string("SELECT paper_id, ") + kColumns + " FROM paper_hf WHERE paper_id IN (";
    for (size_t i = begin; i < end; ++i) sql += i == begin ? "?" : ",?";
    sql += ")";
    auto s = db.Prepare(sql);
    if (!s) return s.error();
    for (size_t i = begin; i < end; ++i) s->Bind(static_cast<int>(i - begin + 1), paper_ids[i]);
    for (;;) {
      auto row = s->Step();
      if (!row) return row.error();
      if (!row.value()) break;
      out.emplace(s->Text(0), Decode(*s, 1));
    }
  }
  return out;
}

core::Result<bool> MergeHfSubmitter(Database& db, const std::string& day, const std::string& paper_id,
                                    const core::HfUser& submitter) {
  if (submitter.id.empty() && submitter.avatar_url.empty() && submitter.type.empty() && !submitter.is_pro) return false;
  auto find = db.Prepare("SELECT submitter_id, avatar_url, account_type, is_pro FROM daily_entry_hf WHERE day=? AND paper_id=?");
  if (!find) return find.error();
  find->Bind(1, day).Bind(2, paper_id);
  auto row = find->Step();
  if (!row) return row.error();
  std::string fields[3] = {submitter.id, submitter.avatar_url, submitter.type};
  std::optional<int64_t> pro = submitter.is_pro ? std::optional<int64_t>(*submitter.is_pro ? 1 : 0) : std::nullopt;
  bool changed = !row.value();
  if (row.value()) {
    for (int i = 0; i < 3; ++i) {
      std::string stored = find->Text(i);
      if (Outranks(fields[i], stored)) changed = true;
      else fields[i] = std::move(stored);
    }
    // isPro: known beats unknown, true beats false (the same total order as the text fields).
    std::optional<int64_t> stored_pro = find->OptionalInt(3);
    if (pro && (!stored_pro || *pro > *stored_pro)) changed = true;
    else pro = stored_pro;
  }
  if (!changed) return false;
  auto write = db.Prepare(
      "INSERT INTO daily_entry_hf(day, paper_id, submitter_id, avatar_url, account_type, is_pro) VALUES (?1,?2,?3,?4,?5,?6) "
      "ON CONFLICT(day, paper_id) DO UPDATE SET submitter_id=excluded.submitter_id, avatar_url=excluded.avatar_url, "
      "account_type=excluded.account_type, is_pro=excluded.is_pro");
  if (!write) return write.error();
  write->Bind(1, day).Bind(2, paper_id).Bind(3, fields[0]).Bind(4, fields[1]).Bind(5, fields[2]).Bind(6, pro);
  if (auto r = write->Run(); !r) return r.error();
  return true;
}

core::Result<std::map<std::pair<std::string, std::string>, core::HfUser>> LoadHfSubmitters(
    Database& db, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::map<std::pair<std::string, std::string>, core::HfUser> out;
  if (entries.empty()) return out;
  auto s = db.Prepare("SELECT submitter_id, avatar_url, account_type, is_pro FROM daily_entry_hf WHERE day=? AND paper_id=?");
  if (!s) return s.error();
  for (const auto& [day, paper_id] : entries) {
    s->Bind(1, day).Bind(2, paper_id);
    auto row = s->Step();
    if (!row) return row.error();
    if (row.value()) {
      core::HfUser u;
      u.id = s->Text(0);
      u.avatar_url = s->Text(1);
      u.type = s->Text(2);
      if (auto pro = s->OptionalInt(3)) u.is_pro = *pro != 0;
      out.emplace(std::pair{day, paper_id}, std::move(u));
    }
    s->Reset();
  }
  return out;
}

}  // namespace paperfeed::store
