import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// The tokenizer a bulk load indexes with must make the tokens unicode61
/// makes of the text `qda_fold` folds, or the index it builds would not be
/// the one the database's own tokenizer reads and deletes from.
@Suite struct FastTokenizerTests {
  /// The tokens of each text by both tokenizers, as FTS5 stores them: each
  /// term with its position; unicode61 is given the text folded by
  /// `qda_fold`, as the database's index is.
  func tokens(_ texts: [String]) throws -> (fast: [String], general: [String]) {
    let queue = try DatabaseQueue()
    return try queue.inDatabase { db in
      try SearchIndexBuilder.addFastTokenizer(db)
      Store.addFoldFunction(db)
      try db.execute(
        sql: """
          CREATE VIRTUAL TABLE fast USING fts5(text, tokenize = 'qda_fast');
          CREATE VIRTUAL TABLE general USING fts5(
            text, tokenize = '\(SearchProbe.tokenizer)');
          CREATE VIRTUAL TABLE fastTerms USING fts5vocab(fast, 'instance');
          CREATE VIRTUAL TABLE generalTerms USING fts5vocab(general, 'instance');
          """)
      for (index, text) in texts.enumerated() {
        try db.execute(
          sql: "INSERT INTO fast (rowid, text) VALUES (?, ?)",
          arguments: [index, text])
        try db.execute(
          sql: "INSERT INTO general (rowid, text) VALUES (?, qda_fold(?))",
          arguments: [index, text])
      }
      func terms(_ table: String) throws -> [String] {
        try Row.fetchAll(
          db, sql: "SELECT doc, offset, term FROM \(table) ORDER BY doc, offset"
        ).map { "\($0[0] as Int) \($0[1] as Int) \($0[2] as String)" }
      }
      return (try terms("fastTerms"), try terms("generalTerms"))
    }
  }

  /// Every character the fast path knows, and some it hands on, alone,
  /// inside a word and between words.
  @Test func everyCharacterIsTokenizedAsUnicode61TokenizesIt() throws {
    var characters = (0x01..<0x80).map { String(UnicodeScalar(UInt8($0))) }
    characters += (0x0400...0x047F).compactMap {
      UnicodeScalar($0).map(String.init)
    }
    characters += [
      "\u{A0}", "«", "»", "–", "—", "‘", "’", "“", "”", "…", "№", "é", "É", "ß",
      "ё", "Ё", "\u{301}", "😀", "\u{2009}", "—",
    ]
    var texts: [String] = []
    for character in characters {
      texts += [
        character, "a\(character)b", "я\(character)Я",
        "word \(character) слово",
        "\(character)\(character)",
      ]
    }
    let (fast, general) = try tokens(texts)
    #expect(fast == general)
    #expect(general.count > 1_500)
  }

  @Test func textsOfManyWordsAreTokenizedAsUnicode61TokenizesThem() throws {
    var random = SeededGenerator(seed: 3)
    let pieces = [
      "Naloxone", "вена", "ЁЛКА", "Ещё", "HIV", "ВИЧ-тест", " ", ", ", "\n",
      "«", "»", " — ", "№5", "café", "x", "42", "Џ", "ѐ", "'", "\"",
    ]
    let texts = (0..<2_000).map { _ in random.text(of: pieces, counts: 0...12) }
    let (fast, general) = try tokens(texts)
    #expect(fast == general)
  }

  /// `ё` and `Ё` become `е` in the fast path and in texts handed on
  /// (`é` is not one the fast path knows).
  @Test func yoIsFoldedToYe() throws {
    let (fast, general) = try tokens(["Ещё ЁЛКА ёж", "Ещё café Ёж"])
    #expect(
      fast == [
        "0 0 еще", "0 1 елка", "0 2 еж", "1 0 еще", "1 1 cafe", "1 2 еж",
      ])
    #expect(fast == general)
  }

  @Test func onlyTheStandardTokenizerIsReplaced() {
    let create = """
      CREATE VIRTUAL TABLE unitSearch USING fts5(
        text, content = 'unitText', content_rowid = 'id', columnsize = 0,
        detail = none, tokenize = 'unicode61 remove_diacritics 2'
      )
      """
    #expect(
      SearchIndexBuilder.withFastTokenizer(create)
        == create.replacingOccurrences(
          of: "'unicode61 remove_diacritics 2'", with: "'qda_fast'"))
    let other = create.replacingOccurrences(of: "2'", with: "1'")
    #expect(SearchIndexBuilder.withFastTokenizer(other) == other)
  }
}
