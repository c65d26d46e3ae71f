// Pretrained BERT-family models against an independent numpy reference (tests/support/bert_reference.py):
// tiny random-weight models in the Hugging Face layout, token ids and embeddings compared.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "search/model/pretrained_model.hpp"
#include "search/model/safetensors.hpp"
#include "search/model/wordpiece.hpp"
#include "unit/cli/cli_runner.hpp"

namespace paperfeed::search::model {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTexts = {
    "Naïve café résumé über élan théorème",
    "$\\alpha$-divergence and \\textbf{deep} models",
    "learning,training;test!? (graph) [data] {model} «neural» — networks… 'sum' \"loss\"",
    "模型学习 transformer模型",
    "zzq★ networks",
    std::string(101, 'a') + " " + std::string(12, 'b'),
    std::string("deep") + '\x01' + "\xE2\x80\x8B" + "model\tlearn\xC2\xA0" + "data\r\nİstanbul",
    "the model of the data of the graph of the network of the paper of the loss of the sum of the test is long",
    "Transformers",
};

std::string Quote(const std::string& s) { return "'" + s + "'"; }

class ReferenceModel {
 public:
  // Writes a model with `flags` for bert_reference.py into a fresh folder and reads its expectations.
  explicit ReferenceModel(const std::string& flags) {
    dir_ = fs::temp_directory_path() / ("pf-bert-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string texts = (dir_ / "texts.json").string();
    std::ofstream(texts) << nlohmann::json(kTexts).dump();
    const std::string cmd = "/usr/bin/python3 " PAPERFEED_SOURCE_DIR "/tests/support/bert_reference.py --out " +
                            Quote((dir_ / "model").string()) + " --texts-file " + Quote(texts) + " " + flags;
    status_ = std::system(cmd.c_str());
    std::ifstream in(dir_ / "model" / "expected.json");
    std::stringstream ss;
    ss << in.rdbuf();
    expected_ = nlohmann::json::parse(ss.str(), nullptr, false);
  }
  ~ReferenceModel() { fs::remove_all(dir_); }
  bool ok() const { return status_ == 0 && expected_.is_object(); }
  std::string dir() const { return (dir_ / "model").string(); }
  const nlohmann::json& expected() const { return expected_; }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
  int status_ = -1;
  nlohmann::json expected_;
};

void ExpectRowsNear(const std::vector<float>& got, const nlohmann::json& want, size_t dim) {
  ASSERT_EQ(got.size(), want.size() * dim);
  for (size_t r = 0; r < want.size(); ++r)
    for (size_t c = 0; c < dim; ++c)
      ASSERT_NEAR(got[r * dim + c], want[r][c].get<double>(), 1e-4) << "text " << r << " dimension " << c;
}

TEST(BertTokenizerTest, MatchesTheReferenceOnAccentsTexPunctuationChineseUnknownAndOverlongWords) {
  ReferenceModel ref("--pooling mean");
  ASSERT_TRUE(ref.ok());
  auto tok = WordPieceTokenizer::FromFolder(ref.dir(), 24);
  ASSERT_TRUE(tok) << tok.error().message;
  for (size_t i = 0; i < kTexts.size(); ++i) {
    auto ids = tok.value()->Encode(kTexts[i]);
    EXPECT_EQ(nlohmann::json(ids), ref.expected()["ids"][i]) << kTexts[i];
  }
}

TEST(BertTokenizerTest, SplitsTexAccentsAndChineseCharactersAsBertDoes) {
  ReferenceModel ref("--pooling mean");
  ASSERT_TRUE(ref.ok());
  auto tok = WordPieceTokenizer::FromFolder(ref.dir(), 512);
  ASSERT_TRUE(tok);
  EXPECT_EQ(tok.value()->Tokenize("$\\alpha$"), (std::vector<std::string>{"$", "\\", "alpha", "$"}));
  EXPECT_EQ(tok.value()->Tokenize("Naïve CAFÉ"), (std::vector<std::string>{"naive", "cafe"}));
  EXPECT_EQ(tok.value()->Tokenize("模型x"), (std::vector<std::string>{"模", "型", "x"}));
  EXPECT_EQ(tok.value()->Tokenize("attentions"), (std::vector<std::string>{"attention", "##s"}));
}

TEST(BertTokenizerTest, AWordLongerThanTheLimitIsOneUnknownToken) {
  ReferenceModel ref("--pooling mean");
  ASSERT_TRUE(ref.ok());
  auto tok = WordPieceTokenizer::FromFolder(ref.dir(), 512);
  ASSERT_TRUE(tok);
  EXPECT_EQ(tok.value()->Tokenize(std::string(101, 'a')), (std::vector<std::string>{"[UNK]"}));
  EXPECT_EQ(tok.value()->Tokenize(std::string(100, 'a')).size(), 100u);
  EXPECT_EQ(tok.value()->Tokenize("a★b"), (std::vector<std::string>{"[UNK]"}));
}

TEST(BertTokenizerTest, TruncatesAtTheModelsPositionsAndKeepsTheSeparator) {
  ReferenceModel ref("--pooling mean --max-positions 10");
  ASSERT_TRUE(ref.ok());
  auto tok = WordPieceTokenizer::FromFolder(ref.dir(), 10);
  ASSERT_TRUE(tok);
  auto ids = tok.value()->Encode(kTexts[7]);
  ASSERT_EQ(ids.size(), 10u);
  EXPECT_EQ(tok.value()->token(ids.front()), "[CLS]");
  EXPECT_EQ(tok.value()->token(ids.back()), "[SEP]");
  EXPECT_EQ(nlohmann::json(ids), ref.expected()["ids"][7]);
}

TEST(BertTokenizerTest, ACasedModelKeepsCaseAndAccents) {
  ReferenceModel ref("--pooling mean --cased");
  ASSERT_TRUE(ref.ok());
  auto tok = WordPieceTokenizer::FromFolder(ref.dir(), 24);
  ASSERT_TRUE(tok);
  EXPECT_FALSE(tok.value()->options().lowercase);
  for (size_t i = 0; i < kTexts.size(); ++i)
    EXPECT_EQ(nlohmann::json(tok.value()->Encode(kTexts[i])), ref.expected()["ids"][i]) << kTexts[i];
}

TEST(PretrainedModelTest, MeanPoolingWithoutNormalisationMatchesTheReference) {
  ReferenceModel ref("--pooling mean");
  ASSERT_TRUE(ref.ok());
  auto model = PretrainedModel::Load(ref.dir());
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model.value()->info().pooling, Pooling::kMean);
  EXPECT_FALSE(model.value()->info().normalize);
  auto got = model.value()->Embed(kTexts, false);
  ASSERT_TRUE(got);
  ExpectRowsNear(got.value(), ref.expected()["embeddings"], 32);
}

TEST(PretrainedModelTest, ClsPoolingWithNormalisationMatchesTheReference) {
  ReferenceModel ref("--pooling cls --normalize --seed 7");
  ASSERT_TRUE(ref.ok());
  auto model = PretrainedModel::Load(ref.dir());
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model.value()->info().pooling, Pooling::kCls);
  EXPECT_TRUE(model.value()->info().normalize);
  auto got = model.value()->Embed(kTexts, false);
  ASSERT_TRUE(got);
  ExpectRowsNear(got.value(), ref.expected()["embeddings"], 32);
}

TEST(PretrainedModelTest, SmallBatchesAndOneThreadGiveTheSameEmbeddings) {
  ReferenceModel ref("--pooling mean --normalize --seed 3");
  ASSERT_TRUE(ref.ok());
  PretrainedOptions options;
  options.batch_size = 2;
  options.max_batch_tokens = 30;
  options.threads = 1;
  auto model = PretrainedModel::Load(ref.dir(), options);
  ASSERT_TRUE(model);
  auto got = model.value()->Embed(kTexts, false);
  ASSERT_TRUE(got);
  ExpectRowsNear(got.value(), ref.expected()["embeddings"], 32);
}

TEST(PretrainedModelTest, HalfPrecisionWeightsMatchTheReference) {
  ReferenceModel ref("--pooling mean --dtype F16 --seed 5");
  ASSERT_TRUE(ref.ok());
  auto model = PretrainedModel::Load(ref.dir());
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model.value()->info().weights_dtype, "F16");
  auto got = model.value()->Embed(kTexts, false);
  ASSERT_TRUE(got);
  ExpectRowsNear(got.value(), ref.expected()["embeddings"], 32);
}

TEST(PretrainedModelTest, TheQueryPromptOfSentenceTransformersConfigIsPrependedToQueries) {
  ReferenceModel ref("--pooling cls --normalize --query-prompt 'query: '");
  ASSERT_TRUE(ref.ok());
  auto model = PretrainedModel::Load(ref.dir());
  ASSERT_TRUE(model);
  EXPECT_EQ(model.value()->info().query_prefix, "query: ");
  auto q = model.value()->Embed(kTexts, true);
  ASSERT_TRUE(q);
  ExpectRowsNear(q.value(), ref.expected()["query_embeddings"], 32);
  auto p = model.value()->Embed(kTexts, false);
  ASSERT_TRUE(p);
  ExpectRowsNear(p.value(), ref.expected()["embeddings"], 32);
}

TEST(PretrainedModelTest, KnownModelFamiliesGetTheirPrefixes) {
  EXPECT_EQ(KnownPrefixes("intfloat/e5-small-v2"), (std::pair<std::string, std::string>{"query: ", "passage: "}));
  EXPECT_EQ(KnownPrefixes("intfloat/multilingual-e5-base").first, "query: ");
  EXPECT_EQ(KnownPrefixes("BAAI/bge-small-en-v1.5").first, "Represent this sentence for searching relevant passages: ");
  EXPECT_EQ(KnownPrefixes("BAAI/bge-small-en-v1.5").second, "");
  EXPECT_EQ(KnownPrefixes("sentence-transformers/all-MiniLM-L6-v2"), (std::pair<std::string, std::string>{"", ""}));
  EXPECT_EQ(KnownPrefixes("thenlper/gte-small"), (std::pair<std::string, std::string>{"", ""}));
}

TEST(PretrainedModelTest, TheSearchEmbedderGivesUnitVectorsAndSavesAReferenceToItsFolder) {
  ReferenceModel ref("--pooling mean");
  ASSERT_TRUE(ref.ok());
  auto e = MakePretrainedEmbedder(ref.dir());
  ASSERT_TRUE(e) << e.error().message;
  auto v = e.value()->Embed("deep learning");
  double n = 0;
  for (float x : v) n += x * x;
  EXPECT_NEAR(n, 1.0, 1e-5);
  const std::string saved = ref.dir() + "/saved.json";
  ASSERT_TRUE(e.value()->Save(saved));
  auto back = LoadEmbedder(saved);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back.value()->name(), e.value()->name());
  auto w = back.value()->Embed("deep learning");
  for (size_t i = 0; i < v.size(); ++i) EXPECT_FLOAT_EQ(v[i], w[i]);
}

TEST(SafetensorsTest, ATruncatedFileIsRejectedWithItsName) {
  ReferenceModel ref("--pooling mean");
  ASSERT_TRUE(ref.ok());
  const std::string path = ref.dir() + "/model.safetensors";
  fs::resize_file(path, fs::file_size(path) / 2);
  auto f = SafetensorsFile::Open(path);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(f.error().message.find(path), std::string::npos);
  auto model = PretrainedModel::Load(ref.dir());
  EXPECT_FALSE(model);
}

TEST(ModelCliTest, EmbedPrintsTheReferenceVectorsAsJson) {
  ReferenceModel ref("--pooling cls --normalize --query-prompt 'query: '");
  ASSERT_TRUE(ref.ok());
  std::vector<std::string> args = {"model", "embed", ref.dir()};
  args.insert(args.end(), kTexts.begin(), kTexts.end());
  args.push_back("--json");
  auto passages = testing::RunPaperfeed(args);
  ASSERT_EQ(passages.exit_code, 0) << passages.out;
  ASSERT_TRUE(nlohmann::json::parse(passages.out).contains("vectors")) << passages.out.substr(0, 300);
  auto j = nlohmann::json::parse(passages.out);
  EXPECT_EQ(j["dim"], 32);
  std::vector<float> flat;
  for (const auto& row : j["vectors"])
    for (const auto& x : row) flat.push_back(x.get<float>());
  ExpectRowsNear(flat, ref.expected()["embeddings"], 32);
  args.push_back("--query");
  auto queries = testing::RunPaperfeed(args);
  ASSERT_EQ(queries.exit_code, 0);
  flat.clear();
  const auto qj = nlohmann::json::parse(queries.out);
  for (const auto& row : qj["vectors"])
    for (const auto& x : row) flat.push_back(x.get<float>());
  ExpectRowsNear(flat, ref.expected()["query_embeddings"], 32);
}

TEST(ModelCliTest, AddRecordsTheModelAndListShowsIt) {
  ReferenceModel ref("--pooling mean --normalize");
  ASSERT_TRUE(ref.ok());
  const std::string db = ref.dir() + "/../test.db";
  auto add = testing::RunPaperfeed({"--db", db, "model", "add", ref.dir(), "--name", "tiny"});
  ASSERT_EQ(add.exit_code, 0);
  auto list = testing::RunPaperfeed({"--db", db, "model", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0);
  auto j = nlohmann::json::parse(list.out);
  ASSERT_EQ(j["models"].size(), 1u);
  EXPECT_EQ(j["models"][0]["name"], "tiny");
  EXPECT_EQ(j["models"][0]["dimension"], 32);
  EXPECT_EQ(j["models"][0]["normalize"], true);
  // The name now works wherever a folder does.
  auto embed = testing::RunPaperfeed({"--db", db, "model", "embed", "tiny", "deep learning", "--json"});
  EXPECT_EQ(embed.exit_code, 0);
  auto bad = testing::RunPaperfeed({"--db", db, "model", "add", ref.dir() + "/1_Pooling"}, true);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("config.json"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::search::model
