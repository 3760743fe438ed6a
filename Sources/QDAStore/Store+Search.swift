import GRDB
import GRDBSQLite

/// An occurrence of a search query in a unit's text.
public struct SearchHit: Sendable, Equatable {
  /// The unit id.
  public var unit: String
  /// The source's name.
  public var source: String
  /// The unit kind.
  public var kind: String
  /// The speaker, for turns.
  public var speaker: String?
  /// The date.
  public var date: String?
  /// The text field.
  public var field: String
  /// The whole field text.
  public var text: String
  /// Where the query matched, in Unicode scalar offsets of `text`.
  public var matches: [Range<Int>]
}

/// A search query that SQLite's full-text engine rejected.
public struct SearchQueryError: Error, Sendable, CustomStringConvertible {
  /// The engine's message.
  public var message: String

  public var description: String { "error: invalid search query: \(message)" }
}

extension Store {
  /// Adds `qda_fold(text)` to a connection: the text as the full-text index
  /// stores it, `ё` as `е` and `Ё` as `Е` (the SQL of ``foldSQL(_:)``, with
  /// the same result).
  ///
  /// Registered through SQLite's C API: it scans the UTF-8 bytes, hands a text
  /// without `ё` back as it is, and patches a copy of one with it (the
  /// letters have the same length). Indexing a million cases' texts with it
  /// takes 1.6 s less than with the two `replace` calls, which copy every
  /// text twice.
  static func addFoldFunction(_ db: Database) {
    sqlite3_create_function_v2(
      db.sqliteConnection, "qda_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
      nil, foldValue, nil, nil, nil)
  }

  /// The SQL expression that folds `column` as ``fold(_:)`` does, in SQLite
  /// itself: the index and its triggers need no function of qda's.
  static func foldSQL(_ column: String) -> String {
    "replace(replace(\(column), 'ё', 'е'), 'Ё', 'Е')"
  }

  /// Replaces `ё`/`Ё` by `е`/`Е`, one scalar for one, so offsets are kept.
  static func fold(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 == "ё" || $0 == "Ё" }) else {
      return text
    }
    return String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { $0 == "ё" ? "е" : $0 == "Ё" ? "Е" : $0 }))
  }

  /// The `projectState` key that says whether text ids follow source and
  /// file order (`yes` while every source was imported once, in one go).
  ///
  /// Then search hits come in file order straight from the index, and the
  /// first page of a search reads only that page.
  static let textOrderKey = "textsInFileOrder"

  /// Searches unit texts with SQLite FTS5.
  ///
  /// The query uses FTS5 syntax: words, `"a phrase"`, `prefix*`, `AND`,
  /// `OR`, `NOT`. Case, Latin accents and `ё`/`е` do not matter.
  ///
  /// - Parameters:
  ///   - query: The query.
  ///   - filter: Which units are searched.
  ///   - code: Only units coded with this code by `coder`.
  ///   - coder: Whose codings `code` refers to.
  ///   - speaker: Only turns by this speaker.
  ///   - limit: At most this many fields: the first in that order.
  /// - Returns: The matching fields, in source and file order.
  /// - Throws: `SearchQueryError` for a malformed query, `StoreError` otherwise.
  public func search(
    _ query: String, filter: UnitFilter, code: String? = nil,
    coder: CoderSelection = "auto",
    speaker: String? = nil, limit: Int? = nil
  ) throws -> [SearchHit] {
    var hits: [SearchHit] = []
    try search(
      query, filter: filter, code: code, coder: coder, speaker: speaker,
      limit: limit
    ) { _, hit in hits.append(hit) }
    return hits
  }

  /// Searches unit texts as ``search(_:filter:code:coder:speaker:limit:)``
  /// does, handing over each hit as it is read instead of collecting them:
  /// memory stays flat however many texts match.
  ///
  /// - Parameters:
  ///   - query: The query.
  ///   - filter: Which units are searched.
  ///   - code: Only units coded with this code by `coder`.
  ///   - coder: Whose codings `code` refers to.
  ///   - speaker: Only turns by this speaker.
  ///   - limit: At most this many fields: the first in that order.
  ///   - passes: How many times to read the hits, all from one snapshot of
  ///     the database (so each pass gives the same hits): two for output
  ///     that must measure every row before writing the first.
  ///   - body: Called with the pass (from 0) and each hit, in order.
  /// - Throws: `SearchQueryError` for a malformed query, what `body`
  ///   throws, or `StoreError`.
  public func search(
    _ query: String, filter: UnitFilter, code: String? = nil,
    coder: CoderSelection = "auto", speaker: String? = nil,
    limit: Int? = nil, passes: Int = 1,
    _ body: (_ pass: Int, _ hit: SearchHit) throws -> Void
  ) throws {
    try search(
      query, filter: filter, code: code, coder: coder, speaker: speaker,
      limit: limit, passes: passes, readsQuery: SearchQuery.init, body)
  }

  /// The work of ``search(_:filter:code:coder:speaker:limit:passes:_:)``,
  /// with the reading of a query that needs token positions given
  /// (``SearchQuery``): a test reads none, to see every text checked.
  func search(
    _ query: String, filter: UnitFilter, code: String?,
    coder: CoderSelection, speaker: String?, limit: Int?, passes: Int,
    readsQuery: (String, (String) throws -> [String]) throws -> SearchQuery,
    _ body: (_ pass: Int, _ hit: SearchHit) throws -> Void
  ) throws {
    var (condition, arguments) = filter.sql
    if let code {
      condition +=
        " AND EXISTS (SELECT 1 FROM \(coder.relation.sql) c WHERE c.unitId = u.id AND c.code = ?)"
      arguments += coder.relation.arguments + [code]
    }
    if let speaker {
      condition += " AND u.speaker = ?"
      arguments += [speaker]
    }
    let start: Unicode.Scalar = "\u{1}"
    let end: Unicode.Scalar = "\u{2}"
    let folded = Self.fold(query)
    do {
      try read { db in
        let probe: SearchProbe
        do {
          probe = try SearchProbe(
            query: folded, start: String(start), end: String(end))
        } catch let error as DatabaseError {
          throw SearchQueryError(message: error.message ?? "\(error)")
        }
        // What the index is asked: the query itself when it answers it
        // (FTS5 refuses what needs token positions), else a query that
        // finds every text the query matches, which the probe then checks;
        // every text when the query is beyond what `SearchQuery` reads.
        func indexAnswers(_ query: String) -> Bool {
          do {
            _ = try Row.fetchOne(
              db,
              sql: "SELECT 1 FROM unitSearch WHERE unitSearch MATCH ? LIMIT 1",
              arguments: [query])
            return true
          } catch {
            return false
          }
        }
        let isExact = indexAnswers(folded)
        var candidates =
          isExact
          ? folded
          : (try? readsQuery(folded, probe.tokens(of:)))?.over
        if !isExact, let over = candidates, !indexAnswers(over) {
          candidates = nil
        }
        let inFileOrder =
          try String.fetchOne(
            db, sql: "SELECT value FROM projectState WHERE key = ?",
            arguments: [Self.textOrderKey]) == "yes"
        let order =
          inFileOrder ? "t.id" : "u.sourceId, u.ordinal, t.position"
        var sql = """
          SELECT t.id, u.id, s.name, u.kind, u.speaker, u.date, t.field, t.text
          FROM unitText t
          JOIN unit u ON u.id = t.unitId
          JOIN source s ON s.id = u.sourceId
          WHERE \(condition)
          """
        var sqlArguments = arguments
        if let candidates {
          sql +=
            " AND t.id IN (SELECT rowid FROM unitSearch WHERE unitSearch MATCH ?)"
          sqlArguments += [candidates]
        }
        sql += " ORDER BY \(order)"
        // Only an exact query's rows are all hits.
        if let limit, isExact {
          sql += " LIMIT ?"
          sqlArguments += [max(0, limit)]
        }
        let statement = try db.makeStatement(sql: sql)
        statement.arguments = sqlArguments
        for pass in 0..<passes {
          var found = 0
          var batch: [SearchHit] = []
          var ids: [(id: Int64, text: String)] = []
          /// Checks the batch and hands on its hits; false past the limit.
          func flush() throws -> Bool {
            let marked = try probe.marked(ids)
            for (index, hit) in batch.enumerated() {
              guard let text = marked[ids[index].id] else { continue }
              if let limit, found >= limit { return false }
              var hit = hit
              hit.matches = Self.ranges(marked: text, start: start, end: end)
              try body(pass, hit)
              found += 1
            }
            batch.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            return limit.map { found < $0 } ?? true
          }
          guard limit.map({ $0 > 0 }) ?? true else { break }
          let rows = try Row.fetchCursor(statement)
          var isOpen = true
          while isOpen, let row = try rows.next() {
            let text: String = row[7]
            ids.append((row[0], Self.fold(text)))
            batch.append(
              SearchHit(
                unit: row[1], source: row[2], kind: row[3], speaker: row[4],
                date: row[5], field: row[6], text: text, matches: []))
            if batch.count == Self.probeBatchSize { isOpen = try flush() }
          }
          if isOpen { _ = try flush() }
        }
      }
    } catch let error as StoreError {
      // The SQL is qda's own; an SQL error here comes from the query text.
      if case .sqlite(_, let message) = error {
        throw SearchQueryError(message: message)
      }
      throw error
    }
  }

  /// How many found texts the probe checks at a time.
  static let probeBatchSize = 512

  /// The ranges between markers, in scalar offsets of the unmarked text.
  static func ranges(
    marked: String, start: Unicode.Scalar, end: Unicode.Scalar
  ) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var offset = 0
    var open: Int?
    for scalar in marked.unicodeScalars {
      if scalar == start {
        open = offset
      } else if scalar == end {
        if let lower = open { ranges.append(lower..<offset) }
        open = nil
      } else {
        offset += 1
      }
    }
    return ranges
  }
}

/// `ё` and `Ё` folded to `е` and `Е` in UTF-8, as `qda_fold` does: the
/// letters have the same length, so a text is patched in place.
enum YoFolding {
  /// The offset of the first `ё` or `Ё` in `bytes`, if it has one.
  ///
  /// ё is D1 91 and Ё is D0 81 in UTF-8; a lead byte is never a
  /// continuation byte, so a match is always the whole letter.
  ///
  /// Eight bytes at a time: a word with no byte 81 or 91 (the letters'
  /// second bytes) is passed at once. Most texts have no `ё`, and this scan
  /// runs over every text a bulk load indexes.
  static func firstYo(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let count = bytes.count
    guard count > 1, let base = bytes.baseAddress else { return nil }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var start = 0
    // A byte of the word is 81 or 91 when, with bit 4 set, it is 91.
    // A letter whose second byte is in a word may begin in the word before.
    while start + 8 <= count {
      let word = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
      let marked = (word | 0x1010_1010_1010_1010) ^ 0x9191_9191_9191_9191
      if (marked &- ones) & ~marked & highs != 0 {
        for index in max(0, start - 1)..<start + 7
        where isYo(bytes, at: index) {
          return index
        }
      }
      start += 8
    }
    for index in max(0, start - 1)..<count - 1 where isYo(bytes, at: index) {
      return index
    }
    return nil
  }

  @inline(__always)
  private static func isYo(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int)
    -> Bool
  {
    (bytes[index] == 0xD1 && bytes[index + 1] == 0x91)
      || (bytes[index] == 0xD0 && bytes[index + 1] == 0x81)
  }

  /// Folds every `ё` and `Ё` of `bytes` from offset `first` on.
  static func fold(_ bytes: UnsafeMutableBufferPointer<UInt8>, from first: Int)
  {
    var index = first
    while index < bytes.count - 1 {
      if isYo(UnsafeBufferPointer(bytes), at: index) {
        // е is D0 B5, Е is D0 95.
        bytes[index + 1] = bytes[index] == 0xD1 ? 0xB5 : 0x95
        bytes[index] = 0xD0
        index += 2
      } else {
        index += 1
      }
    }
  }
}

/// `qda_fold`'s implementation (see ``Store/addFoldFunction(_:)``).
private func foldValue(
  _ context: OpaquePointer?, _ count: Int32,
  _ arguments: UnsafeMutablePointer<OpaquePointer?>?
) {
  guard let value = arguments?[0], sqlite3_value_type(value) != SQLITE_NULL,
    let text = sqlite3_value_text(value)
  else {
    sqlite3_result_null(context)
    return
  }
  let length = Int(sqlite3_value_bytes(value))
  let bytes = UnsafeBufferPointer(start: text, count: length)
  guard let first = YoFolding.firstYo(in: bytes) else {
    if sqlite3_value_type(value) == SQLITE_TEXT {
      sqlite3_result_value(context, value)
    } else {
      sqlite3_result_text64(
        context, text, sqlite3_uint64(length), foldTransient,
        UInt8(SQLITE_UTF8))
    }
    return
  }
  guard let copy = sqlite3_malloc64(sqlite3_uint64(max(1, length))) else {
    sqlite3_result_error_nomem(context)
    return
  }
  let folded = copy.bindMemory(to: UInt8.self, capacity: length)
  folded.initialize(from: text, count: length)
  YoFolding.fold(
    UnsafeMutableBufferPointer(start: folded, count: length), from: first)
  sqlite3_result_text64(
    context, UnsafeRawPointer(folded).assumingMemoryBound(to: CChar.self),
    sqlite3_uint64(length), sqlite3_free, UInt8(SQLITE_UTF8))
}

/// SQLite's `SQLITE_TRANSIENT`: it copies the bytes before the call returns.
private let foldTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
