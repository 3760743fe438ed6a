import Crypto
import Foundation

/// One work-report case: a CSV row with an id, a date, text fields and attributes.
public struct WorkReport: Sendable, Equatable {
  /// The case id, from the id column.
  public var id: String
  /// The physical line the row starts on.
  public var line: Int
  /// The date of contact, if the file has a date column.
  public var date: CalendarDate?
  /// The text fields to code, in column order, as (column, text).
  public var texts: [(name: String, text: String)]
  /// The other columns, in column order, as (column, value).
  public var attributes: [(name: String, value: String)]

  public static func == (lhs: WorkReport, rhs: WorkReport) -> Bool {
    lhs.id == rhs.id && lhs.line == rhs.line && lhs.date == rhs.date
      && lhs.texts.elementsEqual(rhs.texts, by: { $0 == $1 })
      && lhs.attributes.elementsEqual(rhs.attributes, by: { $0 == $1 })
  }

  /// A hash of everything stored of the row (``Digest/unitHash`` of a
  /// SHA-256), to tell a changed row on re-import.
  public var contentHash: String {
    // Each part as its UTF-8 length (8 bytes, little-endian), then its
    // bytes, straight from the strings' storage, gathered in one buffer
    // and hashed at once: a row is a dozen short parts, and each update of
    // a running hash cost more than the hashing.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(256)
    Self.add(id, to: &bytes)
    Self.add(date?.description ?? "", to: &bytes)
    texts.withUnsafeBufferPointer { texts in
      for index in texts.indices {
        Self.add(texts[index].name, after: "t:", to: &bytes)
        Self.add(texts[index].text, to: &bytes)
      }
    }
    attributes.withUnsafeBufferPointer { attributes in
      for index in attributes.indices {
        Self.add(attributes[index].name, after: "a:", to: &bytes)
        Self.add(attributes[index].value, to: &bytes)
      }
    }
    return SHA256.hash(data: bytes).unitHash
  }

  /// Appends one part of ``contentHash``'s input to `bytes`: its length
  /// with `prefix`, then `prefix` and the string.
  ///
  /// A function of its own, with the buffer `inout`: as a nested function
  /// capturing it, every call checked exclusive access to the buffer at run
  /// time (perf: 1.5 % of the reading thread).
  private static func add(
    _ string: String, after prefix: StaticString = "", to bytes: inout [UInt8]
  ) {
    let length = UInt64(prefix.utf8CodeUnitCount + string.utf8.count)
    withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(
      contentsOf: UnsafeBufferPointer(
        start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    if string.utf8.withContiguousStorageIfAvailable({
      bytes.append(contentsOf: $0)
    }) == nil {
      bytes.append(contentsOf: string.utf8)
    }
  }
}

/// How the columns of a work-report CSV map to a case.
public struct ReportColumns: Sendable, Equatable {
  /// The id column.
  public var id: String = "case_id"
  /// The date column; `isDateExplicit` says whether the user named it.
  public var date: String = "date"
  /// Whether the date column was named by the user (then it must exist).
  public var isDateExplicit = false
  /// The text columns; `isTextExplicit` says whether the user named them.
  public var texts: [String] = ["request", "services"]
  /// Whether the text columns were named by the user (then each must exist).
  public var isTextExplicit = false

  /// The defaults of DESIGN.md: `case_id`, `date`, `request`, `services`.
  public init() {}

  /// A stable string of the settings, stored with a source so a re-import
  /// with other column options is not mistaken for an unchanged file.
  public var fingerprint: String {
    "id=\(id);date=\(date);texts=\(texts.joined(separator: ","))"
  }
}

/// Options for reading a work-report CSV.
public struct ReportReadOptions: Sendable {
  /// The column mapping.
  public var columns = ReportColumns()
  /// The delimiter; `nil` detects it.
  public var delimiter: UInt8?
  /// The encoding; `nil` detects it.
  public var encoding: TextEncoding?
  /// Whether identifiers are redacted.
  public var redactsIdentifiers = true
  /// The largest field accepted.
  public var maximumFieldBytes = CSVReader.defaultMaximumFieldBytes
  /// Whether the reader itself finds ids used twice.
  ///
  /// It keeps every id's first line in memory. An importer whose database finds them instead
  /// (qda's does, with its unique index, in constant memory) turns it off
  /// and reports them through ``WorkReportReader/checkProblems(adding:)``.
  public var detectsDuplicateIDs = true

  /// The default options.
  public init() {}
}

/// Reads work-report cases from a CSV file, streaming.
///
/// A fatal problem (encoding, quoting) throws at once. Row problems (ragged
/// rows, bad dates, duplicate ids) are collected in ``problems`` while reading
/// goes on, so one run reports them all; a caller must check ``problems``
/// before keeping anything it read.
public final class WorkReportReader {
  /// The file being read.
  public let path: String
  /// The file's encoding.
  public let encoding: TextEncoding
  /// What the survey found, hash included, once it has read the whole file
  /// (it goes on while the file is read).
  ///
  /// - Throws: The file's encoding problem, or a read error.
  public var survey: FileSurvey {
    get throws { try backgroundSurvey.result() }
  }
  /// The SHA-256 of the file's bytes, lowercase hex, as soon as it is made.
  public var contentHash: @Sendable () throws -> String {
    { [backgroundSurvey] in try backgroundSurvey.result().contentHash }
  }
  /// The delimiter in use.
  public let delimiter: UInt8
  /// The header, decoded.
  public let header: [String]
  /// Row problems found so far, in file order.
  public private(set) var problems: [ImportError] = []
  /// How many identifiers were redacted, by kind.
  public private(set) var redactions = RedactionCounts()
  /// How many records were read.
  public private(set) var recordCount = 0
  /// The share of the file read so far, from 0 to 1.
  public var fractionRead: Double {
    backgroundSurvey.byteCount == 0
      ? 1
      : min(1, Double(csv.bytesRead) / Double(backgroundSurvey.byteCount))
  }

  /// The survey of the file's encoding, made while it is read.
  private let backgroundSurvey: BackgroundSurvey
  private let csv: CSVReader
  private let options: ReportReadOptions
  private let idIndex: Int
  private let dateIndex: Int?
  private let textIndexes: [Int]
  private let attributeIndexes: [Int]
  /// The line where each id was first seen, by a 128-bit hash of the id.
  ///
  /// A fifth of the memory of the ids themselves, which matters at a
  /// million cases. Two different ids share a hash with a probability of
  /// about 10⁻²⁷ in a million-case file.
  private var firstLineOfID: [IDHash: Int] = [:]
  private let redactor = Redactor()

  /// Opens a work-report CSV: starts surveying the encoding, detects the
  /// delimiter and reads the header.
  ///
  /// The survey goes on while the file is read (``BackgroundSurvey``); its
  /// error, when it finds one, is the one every method of the reader
  /// throws, as if the file had been surveyed before it was read. A caller
  /// must check ``checkProblems(adding:)``, which waits for the survey,
  /// before keeping anything it read.
  ///
  /// - Throws: `ImportError` for a missing, empty, wrongly encoded or
  ///   malformed file, or a header that lacks a named column.
  public init(path: String, options: ReportReadOptions = .init()) throws {
    self.path = path
    self.options = options
    let survey = try BackgroundSurvey(path: path, declared: options.encoding)
    backgroundSurvey = survey
    let encoding = try survey.encoding()
    self.encoding = encoding
    let reading = try survey.withEncodingErrorsFirst {
      try Self.open(path: path, options: options, encoding: encoding)
    }
    (delimiter, csv, header) = reading.file
    (idIndex, dateIndex, textIndexes, attributeIndexes) = reading.columns
  }

  /// Opens the file as `encoding`: its delimiter, CSV reader and header,
  /// and the indexes of its id, date, text and attribute columns.
  private static func open(
    path: String, options: ReportReadOptions, encoding: TextEncoding
  ) throws -> (
    file: (delimiter: UInt8, csv: CSVReader, header: [String]),
    columns: (id: Int, date: Int?, texts: [Int], attributes: [Int])
  ) {
    let delimiter =
      try options.delimiter ?? CSVReader.detectDelimiter(path: path)
    let csv = CSVReader(
      stream: try ByteStream(path: path), delimiter: delimiter,
      maximumFieldBytes: options.maximumFieldBytes, path: path)
    guard let headerRecord = try csv.next() else {
      throw ImportError.emptyFile(path: path)
    }
    let header = headerRecord.fields.map {
      encoding.decode($0).trimmingASCIIWhitespace()
        .nfc
    }
    var seen = Set<String>()
    for (index, name) in header.enumerated() {
      if name.isEmpty, header.count > 1 {
        throw ImportError.emptyColumnName(path: path, column: index + 1)
      }
      if !seen.insert(name).inserted {
        throw ImportError.duplicateColumn(path: path, name: name)
      }
    }
    let columns = options.columns
    func index(of name: String, option: String) throws -> Int {
      guard let index = header.firstIndex(of: name) else {
        throw ImportError.unknownColumn(
          path: path, name: name, option: option, available: header)
      }
      return index
    }
    let idIndex = try index(of: columns.id, option: "--id-column")
    let dateIndex: Int?
    if columns.isDateExplicit {
      dateIndex = try index(of: columns.date, option: "--date-column")
    } else {
      dateIndex = header.firstIndex(of: columns.date)
    }
    let textIndexes: [Int]
    if columns.isTextExplicit {
      var named = Set<String>()
      textIndexes = try columns.texts.map {
        // A unit has one text per field name.
        guard named.insert($0).inserted else {
          throw ImportError.repeatedColumn(
            path: path, name: $0, option: "--text-columns")
        }
        return try index(of: $0, option: "--text-columns")
      }
    } else {
      textIndexes = columns.texts.compactMap { header.firstIndex(of: $0) }
    }
    if textIndexes.isEmpty {
      throw ImportError.noTextColumns(path: path, available: header)
    }
    let used = Set([idIndex] + textIndexes + (dateIndex.map { [$0] } ?? []))
    return (
      (delimiter, csv, header),
      (
        idIndex, dateIndex, textIndexes,
        header.indices.filter { !used.contains($0) }
      )
    )
  }

  /// Runs `body` (which reads this file); when it throws, waits for the
  /// survey of the file's encoding and throws its error instead, if it
  /// found one.
  public func withEncodingErrorsFirst<T>(_ body: () throws -> T) throws -> T {
    try backgroundSurvey.withEncodingErrorsFirst(body)
  }

  /// How many blank lines were skipped.
  public var skippedBlankLines: Int { csv.skippedBlankLines }

  /// Returns the next case, or `nil` at the end of the file.
  ///
  /// Rows with problems are recorded in ``problems`` and skipped.
  public func next() throws -> WorkReport? {
    try backgroundSurvey.withEncodingErrorsFirst {
      // Each record is read in place, in the CSV reader's buffers.
      while try csv.advance() {
        recordCount += 1
        if let report = makeReport() { return report }
      }
      if recordCount == 0 { throw ImportError.headerOnly(path: path) }
      return nil
    }
  }

  /// The case of the record the CSV reader has just read.
  private func makeReport() -> WorkReport? {
    let csv = csv
    let line = csv.recordLine
    guard csv.fieldCount == header.count else {
      problems.append(
        .raggedRecord(
          path: path, line: line, record: recordCount + 1,
          fields: csv.fieldCount, expected: header.count))
      return nil
    }
    let encoding = encoding
    func value(_ index: Int) -> String {
      csv.field(index) { encoding.decode($0) }.nfc
    }
    let id = value(idIndex).trimmingASCIIWhitespace()
    guard !id.isEmpty else {
      problems.append(
        .emptyID(path: path, line: line, column: header[idIndex]))
      return nil
    }
    if options.detectsDuplicateIDs {
      let idHash = IDHash(id)
      if let firstLine = firstLineOfID[idHash] {
        problems.append(
          .duplicateID(
            path: path, line: line, id: id, firstLine: firstLine))
        return nil
      }
      firstLineOfID[idHash] = line
    }
    var date: CalendarDate?
    if let dateIndex {
      let text = value(dateIndex)
      guard let parsed = CalendarDate(parsing: text) else {
        problems.append(
          .invalidDate(path: path, line: line, value: text))
        return nil
      }
      date = parsed
    }
    // Labelled as the report's: an array of unlabelled pairs would be cast,
    // a copy of every row's arrays.
    var texts: [(name: String, text: String)] = []
    texts.reserveCapacity(textIndexes.count)
    for index in textIndexes {
      texts.append((header[index], redact(value(index))))
    }
    var attributes: [(name: String, value: String)] = []
    attributes.reserveCapacity(attributeIndexes.count)
    for index in attributeIndexes {
      attributes.append((header[index], redact(value(index))))
    }
    return WorkReport(
      id: id, line: line, date: date, texts: texts,
      attributes: attributes)
  }

  private func redact(_ text: String) -> String {
    guard options.redactsIdentifiers else { return text }
    let (redacted, counts) = redactor.redact(text)
    redactions += counts
    return redacted
  }

  /// Waits for the survey of the file's encoding, then throws the
  /// collected row problems, if any.
  ///
  /// - Parameter extra: Problems an importer found in the same rows (ids
  ///   used twice, when ``ReportReadOptions/detectsDuplicateIDs`` is off);
  ///   all are reported together in file order.
  /// - Throws: The file's encoding problem; otherwise the one row problem,
  ///   or `ImportError.multiple` with all of them.
  public func checkProblems(adding extra: [ImportError] = []) throws {
    // The file's encoding problem comes first, as if surveyed first.
    _ = try survey
    var all = problems
    if !extra.isEmpty {
      all = (problems + extra).enumerated().sorted {
        ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset)
      }.map(\.element)
    }
    if all.count == 1 { throw all[0] }
    if !all.isEmpty { throw ImportError.multiple(all) }
  }
}

/// A 128-bit hash of a case id: two SipHash values of its UTF-8 bytes, the
/// second salted.
struct IDHash: Hashable {
  let low: UInt64
  let high: UInt64

  init(_ id: String) {
    var first = Hasher()
    var second = Hasher()
    second.combine(0x5157_4441_5F49_4444 as UInt64)
    var id = id
    id.withUTF8 { bytes in
      first.combine(bytes: UnsafeRawBufferPointer(bytes))
      second.combine(bytes: UnsafeRawBufferPointer(bytes))
    }
    low = UInt64(bitPattern: Int64(first.finalize()))
    high = UInt64(bitPattern: Int64(second.finalize()))
  }
}
