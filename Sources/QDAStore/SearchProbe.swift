import GRDB

/// A small full-text index in memory, with token positions, that checks the
/// texts the database's index found against the query itself and marks
/// where it matches.
///
/// The database's index keeps no positions (see ``SearchQuery``): it finds a
/// superset of the texts a phrase query matches, and FTS5 cannot mark a
/// match in a text that holds `ё` (it would look for the query's tokens in
/// the stored text, which the index folded). The probe indexes the found
/// texts folded, a few hundred at a time, with the same tokenizer, runs the
/// query on them, and marks the matches in the folded text: `ё` and `е` are
/// one Unicode scalar each, so offsets hold for the stored text too.
final class SearchProbe {
  private let queue: DatabaseQueue
  /// The texts of the batch being checked, by row id.
  private let insertContent: Statement
  private let insertIndex: Statement
  private let matching: Statement
  /// The statements that tokenize a string, made when first needed.
  private var tokenizing: (insert: Statement, select: Statement)?

  /// The tokenizer of the database's full-text index.
  static let tokenizer = "unicode61 remove_diacritics 2"

  /// Opens the probe, and checks `query` as FTS5 reads it.
  ///
  /// - Parameters:
  ///   - query: The folded query.
  ///   - start: The marker written before each match.
  ///   - end: The marker written after each match.
  /// - Throws: `DatabaseError` with FTS5's message when the query is not
  ///   valid.
  init(query: String, start: String, end: String) throws {
    queue = try DatabaseQueue()
    (insertContent, insertIndex, matching) = try queue.inDatabase { db in
      try db.execute(
        sql: """
          CREATE TABLE content (id INTEGER PRIMARY KEY, text TEXT);
          CREATE VIRTUAL TABLE probe USING fts5(
            text, content = 'content', content_rowid = 'id',
            columnsize = 0, tokenize = '\(Self.tokenizer)');
          """)
      let matching = try db.makeStatement(
        sql: """
          SELECT rowid, highlight(probe, 0, ?, ?) FROM probe
          WHERE probe MATCH ?
          """)
      matching.arguments = [start, end, query]
      // An empty index still reads the query, and so refuses a bad one.
      _ = try Row.fetchAll(matching)
      return (
        try db.makeStatement(sql: "INSERT INTO content VALUES (?, ?)"),
        try db.makeStatement(
          sql: "INSERT INTO probe (rowid, text) VALUES (?, ?)"),
        matching
      )
    }
  }

  /// The tokens the index makes of `text`, in order.
  ///
  /// - Throws: `DatabaseError` when SQLite fails.
  func tokens(of text: String) throws -> [String] {
    try queue.inDatabase { db in
      if tokenizing == nil {
        try db.execute(
          sql: """
            CREATE VIRTUAL TABLE words USING fts5(
              text, tokenize = '\(Self.tokenizer)');
            CREATE VIRTUAL TABLE wordList USING fts5vocab(words, 'instance');
            """)
        tokenizing = (
          try db.makeStatement(
            sql: "INSERT INTO words (rowid, text) VALUES (1, ?)"),
          try db.makeStatement(
            sql: "SELECT term FROM wordList ORDER BY offset")
        )
      }
      guard let (insert, select) = tokenizing else { return [] }
      try insert.execute(arguments: [text])
      defer { try? db.execute(sql: "DELETE FROM words") }
      return try String.fetchAll(select)
    }
  }

  /// The texts of `batch` that the query matches, with the matches marked.
  ///
  /// - Parameter batch: Row ids and folded texts.
  /// - Returns: The marked text of each matching row id.
  /// - Throws: `DatabaseError` when SQLite fails.
  func marked(_ batch: [(id: Int64, text: String)]) throws -> [Int64: String] {
    try queue.inDatabase { db in
      try db.execute(
        sql: """
          DELETE FROM content;
          INSERT INTO probe (probe) VALUES ('delete-all');
          """)
      for (id, text) in batch {
        try insertContent.execute(arguments: [id, text])
        try insertIndex.execute(arguments: [id, text])
      }
      var found: [Int64: String] = [:]
      let rows = try Row.fetchCursor(matching)
      while let row = try rows.next() { found[row[0]] = row[1] }
      return found
    }
  }
}
