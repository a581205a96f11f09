// Feeds truncated and garbled variants of valid SQL to the parser: every variant must either parse
// or throw ParseError, never crash or throw anything else.
#include <gtest/gtest.h>

#include <random>

#include "sluice/exception.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace sluice {
namespace {

const char* const kQueries[] = {
    "SELECT a, b AS c FROM t WHERE a > 1 AND b IS NOT NULL",
    "SELECT DISTINCT k, count(*) AS n FROM t GROUP BY k HAVING count(*) > 1 ORDER BY n DESC LIMIT "
    "5",
    "SELECT window(ts, '10 minutes') AS w, sum(CAST(v AS DOUBLE)) FROM events "
    "WATERMARK ts DELAY OF INTERVAL 10 SECONDS GROUP BY window(ts, '10 minutes')",
    "WITH x (a) AS (SELECT 1) SELECT * FROM x UNION ALL SELECT 2",
    "SELECT /*+ BROADCAST(u) */ e.*, u.name FROM events e LEFT OUTER JOIN users u USING (id)",
    "SELECT CASE WHEN x BETWEEN 1 AND 2 THEN 'a' WHEN x IN (3, 4) THEN \"b\" ELSE NULL END FROM t",
    "SELECT a FROM VALUES (1, 'x'), (2, 'y') AS v(a, b) WHERE b LIKE 'x%' ESCAPE '!'",
    "SELECT extract(HOUR FROM ts), ts + INTERVAL '1 02:03:04' DAY TO SECOND, x::int, m['k'].f[0] "
    "FROM t",
    "SELECT * FROM read_kafka(servers => 'h', topic => 't') k CROSS JOIN json.`/p` j",
    "SELECT -1.5e3, 1L, 2S, 3Y, 4BD, X'0A', DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00' "
    "FROM t",
};

// Returns true if parsing succeeded, false on ParseError; fails the test on anything else.
bool ParsesOrParseError(const std::string& sql) {
  try {
    ParseQuery(sql);
    return true;
  } catch (const ParseError&) {
    return false;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception for <" << sql << ">: " << e.what();
  } catch (...) {
    ADD_FAILURE() << "unknown exception for <" << sql << ">";
  }
  return false;
}

TEST(RobustnessTest, OriginalsParse) {
  for (const char* q : kQueries) EXPECT_TRUE(ParsesOrParseError(q)) << q;
}

TEST(RobustnessTest, EveryCharacterPrefix) {
  for (const char* q : kQueries) {
    std::string s(q);
    for (size_t n = 0; n < s.size(); ++n) ParsesOrParseError(s.substr(0, n));
  }
}

TEST(RobustnessTest, KnownTruncationsFail) {
  const char* const kBad[] = {"SELECT",
                              "SELECT a FROM",
                              "SELECT a FROM t WHERE",
                              "SELECT a FROM t WHERE a >",
                              "SELECT a FROM t GROUP BY",
                              "SELECT a FROM t ORDER BY",
                              "SELECT (a",
                              "SELECT f(a,",
                              "SELECT CASE WHEN a",
                              "SELECT CAST(a AS",
                              "SELECT a FROM t JOIN",
                              "WITH x AS (",
                              "SELECT 'abc",
                              "SELECT `abc",
                              "SELECT a /* x",
                              "SELECT INTERVAL 5",
                              "SELECT INTERVAL 5 MINUTES TO",
                              "SELECT a FROM t WATERMARK ts DELAY OF",
                              "SELECT a FROM t LIMIT",
                              "SELECT * FROM t UNION",
                              "SELECT x IN (",
                              "SELECT a BETWEEN 1"};
  for (const char* q : kBad) {
    try {
      ParseQuery(q);
      ADD_FAILURE() << "expected ParseError for <" << q << ">";
    } catch (const ParseError& e) {
      std::string m = e.what();
      EXPECT_NE(m.find("line "), std::string::npos) << m;
      EXPECT_NE(m.find("column "), std::string::npos) << m;
    }
  }
}

TEST(RobustnessTest, TokenMutations) {
  std::mt19937 rng(12345);
  const char* const kJunk[] = {"(",   ")",    ",",  "'",  "`",  "SELECT", "FROM",     "AND",
                               "::",  "[",    "]",  ".",  "*",  "-",      "INTERVAL", "CASE",
                               "END", "JOIN", "ON", "/*", "1e", "\"",     ";"};
  for (const char* q : kQueries) {
    std::string s(q);
    std::vector<Token> tokens = Tokenize(s);
    size_t n = tokens.size() - 1;  // without kEnd
    for (size_t i = 0; i < n; ++i) {
      // Drop token i.
      std::string dropped = s.substr(0, tokens[i].offset) + s.substr(tokens[i].end);
      ParsesOrParseError(dropped);
      // Duplicate token i.
      std::string dup = s.substr(0, tokens[i].end) + " " + tokens[i].text + s.substr(tokens[i].end);
      ParsesOrParseError(dup);
      // Swap with the next token.
      if (i + 1 < n) {
        std::string swapped =
            s.substr(0, tokens[i].offset) +
            std::string(s.substr(tokens[i + 1].offset, tokens[i + 1].end - tokens[i + 1].offset)) +
            " " + tokens[i].text + s.substr(tokens[i + 1].end);
        ParsesOrParseError(swapped);
      }
    }
    for (int k = 0; k < 200; ++k) {
      std::string m = s;
      size_t at = std::uniform_int_distribution<size_t>(0, m.size())(rng);
      const char* junk = kJunk[std::uniform_int_distribution<size_t>(0, std::size(kJunk) - 1)(rng)];
      m.insert(at, junk);
      ParsesOrParseError(m);
      // Random byte flips, including non-ASCII bytes.
      std::string f = s;
      size_t pos = std::uniform_int_distribution<size_t>(0, f.size() - 1)(rng);
      f[pos] = static_cast<char>(std::uniform_int_distribution<int>(1, 255)(rng));
      ParsesOrParseError(f);
    }
  }
}

TEST(RobustnessTest, ScriptsAndExpressionsNeverCrash) {
  std::mt19937 rng(7);
  for (const char* q : kQueries) {
    std::string s = std::string("SET a=1; ") + q + "; CREATE TEMP VIEW v AS " + q;
    for (size_t n = 0; n <= s.size(); n += 3) {
      try {
        ParseStatements(s.substr(0, n));
      } catch (const ParseError&) {
      }
      try {
        ParseExpression(s.substr(std::min(n, s.size())));
      } catch (const ParseError&) {
      }
    }
  }
}

}  // namespace
}  // namespace sluice
