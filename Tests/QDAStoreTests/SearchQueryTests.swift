import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

@Suite struct SearchQueryTests {
  /// Splits on spaces: enough for the rewriting's own tests.
  func words(_ text: String) -> [String] {
    text.lowercased().split(separator: " ").map(String.init)
  }

  @Test func phrasesBecomeTheirTokensAndNearGroupsTheirPhrases() throws {
    let phrase = try SearchQuery("\"not breathing\"", tokens: words)
    #expect(phrase.over == "(\"not\" AND \"breathing\")")
    #expect(phrase.under == "\"\"")
    #expect(!phrase.isExact)
    let near = try SearchQuery("NEAR(blue \"not breathing\", 3)", tokens: words)
    #expect(near.over == "(\"blue\" AND (\"not\" AND \"breathing\"))")
    let joined = try SearchQuery("not + breath*", tokens: words)
    #expect(joined.over == "(\"not\" AND \"breath\"*)")
    let filtered = try SearchQuery("text : ^naloxone", tokens: words)
    #expect(filtered.over == "\"naloxone\"")
    #expect(!filtered.isExact)
  }

  @Test func wordsAndPrefixesAreExact() throws {
    let query = try SearchQuery(
      "Naloxone OR (bus* AND fever) NOT \"abscess\"", tokens: words)
    #expect(query.isExact)
    #expect(query.over == query.under)
    #expect(
      query.over
        == "(\"naloxone\" OR ((\"bus\"* AND \"fever\") NOT \"abscess\"))"
    )
  }

  /// What a `NOT` takes away must be taken away by the query too, so a
  /// phrase on its right finds nothing there; two `NOT`s turn it back.
  @Test func theRightSideOfNotIsRewrittenTheOtherWay() throws {
    let query = try SearchQuery(
      "blue NOT \"not breathing\" NOT (fever NOT \"no pus\")", tokens: words)
    #expect(
      query.over
        == "((\"blue\" NOT \"\") NOT (\"fever\" NOT (\"no\" AND \"pus\")))")
    #expect(
      query.under
        == "((\"blue\" NOT (\"not\" AND \"breathing\")) NOT (\"fever\" NOT \"\"))"
    )
  }

  /// Side by side is an `AND` tighter than `NOT`, `NOT` tighter than `AND`,
  /// and `AND` tighter than `OR`, as FTS5's grammar has it.
  @Test func operatorsBindAsFTS5BindsThem() throws {
    #expect(
      try SearchQuery("a NOT b c OR d AND e", tokens: words).over
        == "((\"a\" NOT (\"b\" AND \"c\")) OR (\"d\" AND \"e\"))")
    #expect(
      try SearchQuery("a AND b NOT c", tokens: words).over
        == "(\"a\" AND (\"b\" NOT \"c\"))")
  }

  @Test func queriesOutsideTheGrammarAreUnsupported() {
    for query in ["(a", "a)", "\"open", "a AND", "'a'", "NEAR(a", "{a : b"] {
      #expect(throws: SearchQuery.Unsupported.self, "\(query)") {
        try SearchQuery(query, tokens: words)
      }
    }
  }
}

extension SearchQueryTests {
  /// Every query, drawn at random from FTS5's grammar, finds in qda the
  /// texts an index with positions finds, in the same order, and a limit
  /// takes the first of them; a query FTS5 refuses is refused by both.
  ///
  /// The matches marked are the same too, unless the query has `OR` or
  /// `NOT`: then FTS5 marks a phrase of a branch that did not match wherever
  /// its own cursor happens to stand on the text, which depends on the other
  /// texts in the index (the probe holds only the texts found).
  @Test func searchesFindWhatAnIndexWithPositionsFinds() throws {
    var random = SeededGenerator(seed: 2026)
    let vocabulary = [
      "naloxone", "not", "breathing", "blue", "вена", "ёж", "еж", "Передоз",
      "не", "дышит", "café", "cafe", "bus", "test", "tests",
    ]
    let separators = [" ", " ", ", ", ". ", "-", " — ", "\n"]
    func text() -> String {
      (0..<Int.random(in: 0...10, using: &random)).map { _ in
        (vocabulary.randomElement(using: &random) ?? "")
          + (separators.randomElement(using: &random) ?? "")
      }.joined()
    }
    var units: [UnitDraft] = []
    for index in 0..<80 {
      let request = text()
      let services = text()
      units.append(
        UnitDraft(
          id: "U\(index)", kind: "case", date: "2020-01-01",
          texts: [("request", request), ("services", services)],
          contentHash: "\(index)|\(request)|\(services)"))
    }
    // The reference: every text in an index with positions.
    let reference = try DatabaseQueue()
    try reference.write { db in
      try db.execute(
        sql: """
          CREATE VIRTUAL TABLE s USING fts5(
            text, tokenize = '\(SearchProbe.tokenizer)')
          """)
      for (index, unit) in units.enumerated() {
        for (field, text) in unit.texts.enumerated() {
          try db.execute(
            sql: "INSERT INTO s (rowid, text) VALUES (?, ?)",
            arguments: [index * 2 + field, Store.fold(text.text)])
        }
      }
    }
    func expected(_ query: String, limit: Int?) throws -> [String]? {
      do {
        return try reference.read { db in
          try Row.fetchAll(
            db,
            sql: """
              SELECT rowid, highlight(s, 0, '[', ']') FROM s
              WHERE s MATCH ? ORDER BY rowid
              """,
            arguments: [Store.fold(query)]
          ).prefix(limit ?? Int.max).map { row in
            let id: Int = row[0]
            let marked: String = row[1]
            let ranges = Store.ranges(marked: marked, start: "[", end: "]")
            return "U\(id / 2) \(units[id / 2].texts[id % 2].name) \(ranges)"
          }
        }
      } catch {
        return nil
      }
    }
    let words = vocabulary + ["nal", "бре", "\"not breathing\"", "\"ёж, еж\""]
    func phrase() -> String {
      switch Int.random(in: 0..<6, using: &random) {
      case 0:
        let count = Int.random(in: 2...3, using: &random)
        return "\""
          + (0..<count).map { _ in
            vocabulary.randomElement(using: &random) ?? ""
          }
          .joined(separator: " ") + "\""
      case 1:
        return (words.randomElement(using: &random) ?? "") + " + "
          + (words.randomElement(using: &random) ?? "")
      case 2: return (words.randomElement(using: &random) ?? "") + "*"
      default: return words.randomElement(using: &random) ?? ""
      }
    }
    func query(_ depth: Int) -> String {
      let choice = Int.random(in: 0..<(depth > 2 ? 4 : 12), using: &random)
      switch choice {
      case 0, 1: return phrase()
      case 2:
        return
          "NEAR(\(phrase()) \(phrase()), \(Int.random(in: 0...4, using: &random)))"
      case 3:
        return ["^", "text : ", "- text : ", "{text} : "][
          Int.random(in: 0..<4, using: &random)] + phrase()
      case 4: return "(\(query(depth + 1)))"
      case 5: return "\(query(depth + 1)) \(query(depth + 1))"
      case 6, 7: return "\(query(depth + 1)) AND \(query(depth + 1))"
      case 8, 9: return "\(query(depth + 1)) OR \(query(depth + 1))"
      default: return "\(query(depth + 1)) NOT \(query(depth + 1))"
      }
    }
    try withStore { store in
      try importUnits(store, units)
      var refused = 0
      var found = 0
      for _ in 0..<600 {
        let drawn = query(0)
        let limit =
          Bool.random(using: &random)
          ? nil : Int.random(in: 0...3, using: &random)
        let want = try expected(drawn, limit: limit)
        do {
          let hits = try store.search(drawn, filter: .init(), limit: limit)
          let context = "\(drawn) limit \(String(describing: limit))"
          if drawn.contains(" OR ") || drawn.contains(" NOT ") {
            #expect(
              hits.map { "\($0.unit) \($0.field)" }
                == want?.map {
                  $0.split(separator: " ").prefix(2).joined(separator: " ")
                },
              "\(context)")
          } else {
            #expect(
              hits.map { "\($0.unit) \($0.field) \($0.matches)" } == want,
              "\(context)")
          }
          #expect(hits.allSatisfy { !$0.matches.isEmpty }, "\(context)")
          found += hits.isEmpty ? 0 : 1
        } catch is SearchQueryError {
          #expect(want == nil, "\(drawn) refused")
          refused += 1
        }
      }
      // The draw covers both kinds of query.
      #expect(refused > 20)
      #expect(found > 200)
    }
  }
}

extension SearchQueryTests {
  /// A query that `SearchQuery` cannot read (a later SQLite may accept
  /// syntax this one refuses), or whose rewriting the index refuses, is
  /// checked against every text: slower, and the same hits.
  @Test func aQueryNotReadIsCheckedAgainstEveryText() throws {
    try withStore { store in
      let texts = [
        "he is not breathing", "breathing, not well", "not a word of it",
        "Ёлка не дышит", "дышит не ровно",
      ]
      try importUnits(
        store,
        texts.enumerated().map { index, text in
          UnitDraft(
            id: "U\(index)", kind: "case", date: "2020-01-01",
            texts: [("request", text)], contentHash: "\(index)")
        })
      struct Unread: Error {}
      for (query, limit) in [
        ("\"not breathing\"", nil), ("NEAR(дышит не, 0)", nil),
        ("breathing NOT \"not breathing\"", nil), ("не + дышит", 1),
        ("naloxone", nil), ("елка", nil),
      ] as [(String, Int?)] {
        func hits(
          _ readsQuery: (String, (String) throws -> [String]) throws
            -> SearchQuery
        ) throws -> [String] {
          var found: [String] = []
          try store.search(
            query, filter: .init(), code: nil, coder: "auto", speaker: nil,
            limit: limit, passes: 1, readsQuery: readsQuery
          ) { _, hit in found.append("\(hit.unit) \(hit.matches)") }
          return found
        }
        let read = try hits(SearchQuery.init)
        #expect(try hits { _, _ in throw Unread() } == read, "\(query)")
        // A rewriting the index refuses too (a string kept whole is still a
        // phrase to FTS5): every text is checked.
        #expect(
          try hits { query, _ in try SearchQuery(query, tokens: { [$0] }) }
            == read, "\(query)")
      }
      #expect(
        try store.search("\"not breathing\"", filter: .init()).map(\.unit)
          == ["U0"])
    }
  }
}
