// The daily list pages: /, /papers/date/…, /papers/week/…, /papers/month/…, /trending.
#include <charconv>

#include "store/daily_list.hpp"
#include "web/cards.hpp"
#include "web/handlers.hpp"
#include "web/layout.hpp"
#include "web/paper_data.hpp"

namespace paperfeed::web {
namespace {

constexpr int kPageSize = 50;

enum class Period { kDay, kWeek, kMonth };

int PageNumber(const Request& req) {
  std::string p = req.Param("p", "1");
  int page = 1;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), page);
  if (ec != std::errc() || page < 1) page = 1;
  return std::min(page, 10000);
}

std::string PeriodPath(Period period, std::string_view day) {
  switch (period) {
    case Period::kDay: return "/papers/date/" + std::string(day);
    case Period::kWeek: return "/papers/week/" + store::IsoWeekOf(day);
    case Period::kMonth: return "/papers/month/" + store::MonthOf(day);
  }
  return "/";
}

std::string PeriodTitle(Period period, const store::DayRange& range) {
  switch (period) {
    case Period::kDay: return HumanDate(range.first);
    case Period::kWeek: return "Week " + store::IsoWeekOf(range.first) + " (" + HumanDate(range.first) + " – " + HumanDate(range.last) + ")";
    case Period::kMonth: {
      static constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                                "July",    "August",   "September", "October", "November", "December"};
      int m = (range.first[5] - '0') * 10 + (range.first[6] - '0');
      return std::string(kMonths[(m - 1) % 12]) + " " + range.first.substr(0, 4);
    }
  }
  return range.first;
}

Html ListCards(const Request& req, Context& ctx, std::vector<store::DailyListItem> items) {
  AttachHfDetails(ctx, items);
  std::vector<CardData> cards;
  for (const auto& item : items) {
    CardData card;  // comments: RenderCards counts what the paper page shows
    card.paper = &item.paper;
    card.hf_comments = item.entry.num_comments;
    card.upvotes = item.upvotes();
    card.day = item.entry.day;
    card.submitted_by = item.entry.submitted_by;
    card.submitted_by_fullname = item.entry.submitted_by_fullname;
    cards.push_back(std::move(card));
  }
  return RenderCards(req, ctx, std::move(cards));
}

// Previous / next links: to the nearest period that has entries, skipping empty ones.
Html PeriodPager(Context& ctx, Period period, const store::DayRange& range) {
  auto prev = ctx.daily_list().AdjacentDay(range.first, false);
  auto next = ctx.daily_list().AdjacentDay(range.last, true);
  std::string_view unit = period == Period::kDay ? "day" : period == Period::kWeek ? "week" : "month";
  Html prev_link = prev.ok() && prev.value()
                       ? Render("<a href=\"{}\" rel=\"prev\" id=\"prev-link\">← Previous {}</a>", PeriodPath(period, **prev), unit)
                       : Render("<span class=\"disabled\">← Previous {}</span>", unit);
  Html next_link = next.ok() && next.value()
                       ? Render("<a href=\"{}\" rel=\"next\" id=\"next-link\">Next {} →</a>", PeriodPath(period, **next), unit)
                       : Render("<span class=\"disabled\">Next {} →</span>", unit);
  Html views = Render("<span class=\"views\"><a href=\"{}\">Day</a> <a href=\"{}\">Week</a> <a href=\"{}\">Month</a></span>",
                      PeriodPath(Period::kDay, range.last), PeriodPath(Period::kWeek, range.first),
                      PeriodPath(Period::kMonth, range.first));
  return Render("<nav class=\"pager\" aria-label=\"Periods\">{}{}{}</nav>", prev_link, views, next_link);
}

Html PagePager(const std::string& base, int page, int64_t total) {
  int64_t pages = (total + kPageSize - 1) / kPageSize;
  if (pages <= 1) return {};
  Html prev = page > 1 ? Render("<a href=\"{}?p={}\" rel=\"prev\">← Page {}</a>", base, page - 1, page - 1) : Html();
  Html next = page < pages ? Render("<a href=\"{}?p={}\" rel=\"next\">Page {} →</a>", base, page + 1, page + 1) : Html();
  return Render("<nav class=\"pager\" aria-label=\"Pages\">{}<span>Page {} of {}</span>{}</nav>", prev, page, pages, next);
}

// A date picker: without script the form GETs /papers/date?day=…, which redirects; with script
// a change submits it.
Html DayPicker(Context& ctx, const store::DayRange& range) {
  auto first = ctx.daily_list().AdjacentDay("0000-00-00", true);
  auto last = ctx.daily_list().LatestDay();
  std::string min = first.ok() && first.value() ? **first : "";
  std::string max = last.ok() && last.value() ? **last : "";
  return Render(
      "<form class=\"day-picker\" action=\"/papers/date\" method=\"get\"><label for=\"day-picker\">Go to day</label>"
      "<input type=\"date\" id=\"day-picker\" name=\"day\" value=\"{}\" min=\"{}\" max=\"{}\" required>"
      "<button type=\"submit\">Go</button></form>",
      range.last, min, max);
}

// The front page's call to subscribe to the digest (posting to /subscribe, as its own page does).
Html SubscribeBox(Context& ctx) {
  const Viewer& viewer = ctx.viewer();
  Html csrf = viewer.signed_in ? Render("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", viewer.csrf_token) : Html();
  return Render(
      "<form method=\"post\" action=\"/subscribe\" class=\"subscribe-box\" id=\"subscribe-box\">{}"
      "<p>Get trending papers in your email inbox!</p><div class=\"row\">"
      "<label for=\"subscribe-email\" class=\"visually-hidden\">Email address</label>"
      "<input type=\"email\" id=\"subscribe-email\" name=\"email\" required maxlength=\"254\" autocomplete=\"email\" "
      "placeholder=\"you@example.org\"><button type=\"submit\" id=\"subscribe-button\">Subscribe</button></div></form>",
      csrf);
}

// One period's list. `note` explains a substitution (today empty → latest day).
void RenderPeriod(const Request& req, Response& res, Context& ctx, Period period, const store::DayRange& range,
                  const Html& note, const std::string& active_nav, bool front = false) {
  int page = PageNumber(req);
  auto list = ctx.daily_list().Entries(range, store::DailySort::kUpvotes, kPageSize, (page - 1) * kPageSize, ctx.now());
  if (!list) return SendErrorPage(res, ctx, list.error());
  PageOptions options;
  options.title = PeriodTitle(period, range);
  options.active_nav = active_nav;
  options.description = "Papers of " + options.title + ", most upvoted first";
  Html cards = list->items.empty()
                   ? Render("<p class=\"empty\">No papers on this list. Try the previous {} or <a href=\"/trending\">trending</a>.</p>",
                            period == Period::kDay ? "day" : period == Period::kWeek ? "week" : "month")
                   : ListCards(req, ctx, list->items);
  std::string_view heading = period == Period::kDay ? "Daily papers" : period == Period::kWeek ? "Papers of the week" : "Papers of the month";
  Html main = Render(
      "{}<section class=\"list-head\"><h1>{} <small>{}</small></h1>{}{}"
      "<p class=\"meta\">{} papers, most upvoted first. <button type=\"button\" id=\"expand-all\" class=\"linklike\" "
      "aria-pressed=\"false\" hidden>Expand all abstracts</button></p>{}</section>\n"
      "<div class=\"cards\">{}</div>\n{}{}",
      front ? SubscribeBox(ctx) : Html(), heading, options.title, note, PeriodPager(ctx, period, range), list->total,
      period == Period::kDay ? DayPicker(ctx, range) : Html(), cards,
      PagePager(req.path, page, list->total), PeriodPager(ctx, period, range));
  SendPage(res, ctx, options, main);
}

}  // namespace

void FrontPage(const Request& req, Response& res, Context& ctx) {
  std::string today = store::NewYorkDay(ctx.now());
  auto latest = ctx.daily_list().LatestDay(today);
  if (!latest) return SendErrorPage(res, ctx, latest.error());
  if (!latest.value()) {
    latest = ctx.daily_list().LatestDay();  // only future-dated lists: show the newest anyway
    if (!latest) return SendErrorPage(res, ctx, latest.error());
  }
  if (!latest.value()) {
    PageOptions options;
    options.title = "Daily papers";
    options.active_nav = "daily";
    return SendPage(res, ctx, options,
                    Render("<section class=\"empty\"><h1>No papers yet</h1><p>The catalogue has no daily list. Load one "
                           "with <code>paperfeed ingest --format hf-daily DIR</code> or harvest arXiv.</p></section>"));
  }
  Html note;
  if (**latest != today)
    note = Render("<p class=\"note\" id=\"latest-note\">No papers for today ({}) yet; showing the latest day with papers, {}.</p>",
                  HumanDate(today), HumanDate(**latest));
  RenderPeriod(req, res, ctx, Period::kDay, store::DayRange{**latest, **latest}, note, "daily", true);
}

void DayPage(const Request& req, Response& res, Context& ctx) {
  auto range = store::DayRangeForDay(req.PathParam("day"));
  if (!range) return SendErrorPage(res, ctx, range.error());
  RenderPeriod(req, res, ctx, Period::kDay, *range, {}, "daily");
}

void DayPickerRedirect(const Request& req, Response& res, Context& ctx) {
  std::string day = req.Param("day", req.Param("date"));
  if (day.empty()) return res.Redirect("/", 302);
  auto range = store::DayRangeForDay(day);
  if (!range) return SendErrorPage(res, ctx, range.error());
  res.Redirect("/papers/date/" + range->first, 302);
}

void WeekPage(const Request& req, Response& res, Context& ctx) {
  auto range = store::DayRangeForIsoWeek(req.PathParam("week"));
  if (!range) return SendErrorPage(res, ctx, range.error());
  RenderPeriod(req, res, ctx, Period::kWeek, *range, {}, "week");
}

void MonthPage(const Request& req, Response& res, Context& ctx) {
  auto range = store::DayRangeForMonth(req.PathParam("month"));
  if (!range) return SendErrorPage(res, ctx, range.error());
  RenderPeriod(req, res, ctx, Period::kMonth, *range, {}, "month");
}

void TrendingPage(const Request& req, Response& res, Context& ctx) {
  int page = PageNumber(req);
  auto window = ctx.daily_list().TrendingWindow(ctx.now());
  if (!window) return SendErrorPage(res, ctx, window.error());
  auto list = ctx.daily_list().Trending(ctx.now(), kPageSize, (page - 1) * kPageSize);
  if (!list) return SendErrorPage(res, ctx, list.error());
  PageOptions options;
  options.title = "Trending papers";
  options.active_nav = "trending";
  options.feeds = FeedLinksFor("/feeds/trending", "Trending papers");
  Html cards = list->items.empty() ? Render("<p class=\"empty\">Nothing is trending yet.</p>") : ListCards(req, ctx, list->items);
  Html span;
  if (window.value())
    span = Render(" Here: <span id=\"trending-window\">{} – {}</span>.", HumanDate(window.value()->first),
                  HumanDate(window.value()->last));
  Html main = Render(
      "<section class=\"list-head\"><h1>Trending papers</h1>"
      "<p class=\"note\" id=\"trending-formula\">Ranked by a time-decayed count of upvotes: <span class=\"formula\">{}</span>. "
      "The papers of the {} newest days that have a daily list are ranked, and age is counted in those list days "
      "(the newest is 0), so the list ends at the newest papers whatever today's date.{}</p></section>\n"
      "<div class=\"cards\">{}</div>\n{}",
      store::kTrendingFormula, store::kTrendingWindowDays, span, cards, PagePager(req.path, page, list->total));
  SendPage(res, ctx, options, main);
}

}  // namespace paperfeed::web
