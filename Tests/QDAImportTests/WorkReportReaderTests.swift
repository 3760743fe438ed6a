import Foundation
import QDATestSupport
import Testing

@testable import QDAImport

@Suite final class WorkReportReaderTests {
  /// Each test's files, removed when it ends.
  let directory: TemporaryDirectory

  init() throws { directory = try TemporaryDirectory() }

  deinit { directory.remove() }

  func write(_ text: String, bytes: [UInt8]? = nil) throws -> String {
    try directory.write(
      "\(UUID().uuidString).csv", bytes: bytes ?? Array(text.utf8))
  }

  func readAll(_ path: String, options: ReportReadOptions = .init()) throws
    -> [WorkReport]
  {
    let reader = try WorkReportReader(path: path, options: options)
    var reports: [WorkReport] = []
    while let report = try reader.next() { reports.append(report) }
    try reader.checkProblems()
    return reports
  }

  @Test func defaultColumnsDatesAndAttributes() throws {
    let path = try write(
      "case_id,date,channel,request,services\nC1,05.03.2020,group chat,Asks,Sent\nC2,2020-04-01,phone,\"Two\nlines\",\n"
    )
    let reports = try readAll(path)
    #expect(reports.map(\.id) == ["C1", "C2"])
    #expect(
      reports.map { $0.date?.description } == ["2020-03-05", "2020-04-01"])
    #expect(reports[1].texts.map(\.text) == ["Two\nlines", ""])
    #expect(reports[0].attributes.map(\.name) == ["channel"])
    #expect(reports[1].line == 3)
  }

  @Test func invalidDatesAndDuplicateIDsAreAllReported() throws {
    let path = try write(
      "case_id,date,request\nC1,2020-02-30,a\nC2,31/12/2020,b\nC1,2020-01-01,c\nC3,,d\n"
    )
    #expect {
      try readAll(path)
    } throws: { error in
      let messages = (error as! ImportError).all.map(\.description)
      return messages == [
        "\(path):2: error: invalid date '2020-02-30'; expected YYYY-MM-DD or DD.MM.YYYY",
        "\(path):3: error: invalid date '31/12/2020'; expected YYYY-MM-DD or DD.MM.YYYY",
        "\(path):4: error: duplicate id 'C1' (first used on line 2)",
        "\(path):5: error: invalid date ''; expected YYYY-MM-DD or DD.MM.YYYY",
      ]
    }
    let duplicate = try write("case_id,request\nC1,a\nC1,b\n")
    #expect(
      throws: ImportError.duplicateID(
        path: duplicate, line: 3, id: "C1", firstLine: 2)
    ) {
      try readAll(duplicate)
    }
  }

  @Test func columnOptions() throws {
    let path = try write("id;when;note;extra\n7;2020-01-02;hello;x\n")
    var options = ReportReadOptions()
    options.columns.id = "id"
    options.columns.date = "when"
    options.columns.isDateExplicit = true
    options.columns.texts = ["note"]
    options.columns.isTextExplicit = true
    let reports = try readAll(path, options: options)
    #expect(reports[0].id == "7")
    #expect(reports[0].texts.map(\.name) == ["note"])
    #expect(reports[0].attributes.map(\.name) == ["extra"])
    options.columns.texts = ["missing"]
    #expect(
      throws: ImportError.unknownColumn(
        path: path, name: "missing", option: "--text-columns",
        available: ["id", "when", "note", "extra"])
    ) { try readAll(path, options: options) }
    // A unit has one text per field name.
    options.columns.texts = ["note", "extra", "note"]
    #expect(
      throws: ImportError.repeatedColumn(
        path: path, name: "note", option: "--text-columns")
    ) { try readAll(path, options: options) }
  }

  @Test func emptyAndHeaderOnlyFiles() throws {
    let empty = try write("")
    #expect(throws: ImportError.emptyFile(path: empty)) { try readAll(empty) }
    let headerOnly = try write("case_id,request\n")
    #expect(throws: ImportError.headerOnly(path: headerOnly)) {
      try readAll(headerOnly)
    }
  }

  @Test func mixedEncodingsAreRefused() throws {
    // Line 2 is UTF-8 Cyrillic, line 3 Windows-1251 Cyrillic.
    let bytes =
      Array("case_id,request\n1,вена\n2,".utf8) + [
        0xE2, 0xE5, 0xED, 0xE0, 0x0A,
      ]
    let path = try write("", bytes: bytes)
    #expect {
      try readAll(path)
    } throws: { error in
      String(describing: error).contains("mixes encodings (line 2 is UTF-8)")
    }
  }

  @Test func windows1251FileDecodes() throws {
    let bytes =
      Array("case_id,request\n1,".utf8) + [0xE2, 0xE5, 0xED, 0xE0, 0x20, 0xB8]
      + [0x0A]
    let path = try write("", bytes: bytes)
    #expect(try readAll(path)[0].texts[0].text == "вена ё")
  }

  @Test func identifiersAreRedactedAndCounted() throws {
    let path = try write(
      "case_id,request\n1,\"Call +7 (921) 555-01-23 or 8 912 345 67 89, mail a.b@example.org, @some_user, t.me/joinchat/abc\"\n2,\"Case 2024-001 on 01.03.2024, +44 20 7946 0958\"\n"
    )
    let reader = try WorkReportReader(path: path)
    var texts: [String] = []
    while let report = try reader.next() { texts.append(report.texts[0].text) }
    #expect(
      texts == [
        "Call [phone] or [phone], mail [email], [handle], [link]",
        "Case 2024-001 on 01.03.2024, [phone]",
      ])
    #expect(reader.redactions.phones == 3)
    #expect(reader.redactions.emails == 1)
    #expect(reader.redactions.handles == 1)
    #expect(reader.redactions.links == 1)
    var keep = ReportReadOptions()
    keep.redactsIdentifiers = false
    #expect(
      try readAll(path, options: keep)[0].texts[0].text.contains(
        "+7 (921) 555-01-23"))
  }

  @Test func textIsStoredInNFC() throws {
    let path = try write("case_id,request\n1,e\u{301}\n")
    #expect(try readAll(path)[0].texts[0].text == "\u{E9}")
  }

  /// The byte-wise check that text is NFC already agrees with normalizing
  /// it, on text of ASCII runs longer and shorter than a word, Latin-1,
  /// Cyrillic, combining marks, Greek, Armenian, CJK and emoji.
  @Test func nfcIsWhatNormalizingGives() {
    var generator = SeededGenerator(seed: 3)
    let pieces = [
      "a", "case", "abcdefghijkl", " ", "é", "ÿ", "ǅ", "ʯ", "ё", "Ё", "щ",
      "ӿ", "e\u{301}", "\u{301}", "\u{327}", "α", "Ω", "ա", "中", "😀",
      "\u{0}", "Å", "\u{212B}", "ﬁ",
    ]
    for _ in 0..<5_000 {
      let text = generator.text(of: pieces, counts: 0...12)
      #expect(
        text.nfc.unicodeScalars.elementsEqual(
          text.precomposedStringWithCanonicalMapping.unicodeScalars),
        "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }
  }

  /// The screen of `nfc`, eight bytes at a time, against the scalars it
  /// stands for, on text of the scalars either side of each boundary
  /// (U+02FF/U+0300, U+03FF/U+0400, U+04FF/U+0500) at every alignment.
  @Test func theNFCScreenIsTheScalarTest() {
    var generator = SeededGenerator(seed: 5)
    let pieces = [
      "a", "abcdefg", " ", "\u{80}", "\u{A0}", "é", "\u{2FF}", "\u{300}",
      "\u{36F}", "\u{3FF}", "\u{400}", "ж", "\u{4FF}", "\u{500}", "\u{7FF}",
      "\u{800}", "中", "😀", "\u{FFFF}",
    ]
    for _ in 0..<20_000 {
      var text = generator.text(of: pieces, counts: 0...14)
      let expected = text.unicodeScalars.allSatisfy(String.isLatinOrCyrillic)
      let found = text.withUTF8(String.keepsLatinAndCyrillic)
      #expect(
        found == expected,
        "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }
  }

  @Test func calendarDates() {
    #expect(CalendarDate(parsing: "2020-02-29")?.description == "2020-02-29")
    #expect(CalendarDate(parsing: "2019-02-29") == nil)
    #expect(CalendarDate(parsing: "1.3.2020")?.description == "2020-03-01")
    #expect(CalendarDate(parsing: "2020-13-01") == nil)
    #expect(CalendarDate(parsing: "20-01-01") == nil)
  }
}
