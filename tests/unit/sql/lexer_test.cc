#include "sql/lexer.h"

#include <gtest/gtest.h>

#include "sluice/exception.h"

namespace sluice {
namespace {

std::vector<Token> Lex(std::string_view s) { return Tokenize(s); }

TEST(LexerTest, WordsNumbersStringsOperators) {
  auto t = Lex("SELECT a1, `b c`, 'x', 1.5, 10L <=> == != <> :: || !> !<");
  ASSERT_EQ(t.size(), 19u);
  EXPECT_EQ(t[0].kind, TokenKind::kWord);
  EXPECT_EQ(t[0].upper, "SELECT");
  EXPECT_EQ(t[1].text, "a1");
  EXPECT_EQ(t[3].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(t[3].value, "b c");
  EXPECT_EQ(t[5].kind, TokenKind::kString);
  EXPECT_EQ(t[5].value, "x");
  EXPECT_EQ(t[7].kind, TokenKind::kNumber);
  EXPECT_EQ(t[7].text, "1.5");
  EXPECT_EQ(t[9].text, "10L");
  EXPECT_EQ(t[10].text, "<=>");
  EXPECT_EQ(t[11].text, "=");
  EXPECT_EQ(t[12].text, "!=");
  EXPECT_EQ(t[13].text, "<>");
  EXPECT_EQ(t[14].text, "::");
  EXPECT_EQ(t[15].text, "||");
  EXPECT_EQ(t[16].text, "<=");
  EXPECT_EQ(t.back().kind, TokenKind::kEnd);
}

TEST(LexerTest, PositionsAreOneBased) {
  auto t = Lex("SELECT\n  a");
  EXPECT_EQ(t[0].line, 1);
  EXPECT_EQ(t[0].column, 1);
  EXPECT_EQ(t[1].line, 2);
  EXPECT_EQ(t[1].column, 3);
  EXPECT_EQ(t[2].line, 2);
  EXPECT_EQ(t[2].column, 4);
}

TEST(LexerTest, CommentsAreSkipped) {
  auto t = Lex("a -- comment ; here\n /* block /* nested */ still */ b");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "a");
  EXPECT_EQ(t[1].text, "b");
}

TEST(LexerTest, HintOnlyAfterSelect) {
  auto t = Lex("SELECT /*+ BROADCAST(t) */ a /*+ not a hint */");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[1].kind, TokenKind::kHint);
  EXPECT_EQ(t[1].value, " BROADCAST(t) ");
}

TEST(LexerTest, StringEscapes) {
  auto t = Lex(R"('a\nb\t\\\'\"\u0041' "dq\"" r'raw\n' '\%')");
  EXPECT_EQ(t[0].value, "a\nb\t\\'\"A");
  EXPECT_EQ(t[1].value, "dq\"");
  EXPECT_EQ(t[2].value, "raw\\n");
  EXPECT_EQ(t[3].value, "\\%");
}

TEST(LexerTest, BackquoteEscape) {
  auto t = Lex("`a``b.c`");
  EXPECT_EQ(t[0].value, "a`b.c");
}

TEST(LexerTest, NumberForms) {
  auto t = Lex("1 1L 1S 1Y 1BD 1D 1F 1.5 .5 1e3 1.5E-2 1abc");
  EXPECT_EQ(t[0].text, "1");
  EXPECT_EQ(t[4].text, "1BD");
  EXPECT_EQ(t[8].text, ".5");
  EXPECT_EQ(t[9].text, "1e3");
  EXPECT_EQ(t[10].text, "1.5E-2");
  EXPECT_EQ(t[11].kind, TokenKind::kWord);  // Spark identifiers may start with digits
}

TEST(LexerTest, UnterminatedString) {
  try {
    Lex("SELECT 'abc");
    FAIL();
  } catch (const ParseError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("line 1, column 8"), std::string::npos) << m;
    EXPECT_NE(m.find("unterminated"), std::string::npos) << m;
  }
}

TEST(LexerTest, UnterminatedComment) {
  try {
    Lex("SELECT 1\n /* open");
    FAIL();
  } catch (const ParseError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("UNCLOSED_BRACKETED_COMMENT"), std::string::npos) << m;
    EXPECT_NE(m.find("line 2, column 2"), std::string::npos) << m;
  }
}

TEST(LexerTest, UnterminatedQuotedIdentifier) { EXPECT_THROW(Lex("SELECT `abc"), ParseError); }

TEST(LexerTest, UnknownCharacter) { EXPECT_THROW(Lex("SELECT a $ b"), ParseError); }

}  // namespace
}  // namespace sluice
