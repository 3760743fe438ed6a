import Crypto
import Foundation
import QDATestSupport
import Testing

@testable import QDAImport

/// Dates are parsed, and rows hashed, straight from UTF-8 bytes; both must
/// give exactly what the plain string versions they replaced give (stored
/// hashes tell changed rows on re-import, so a different hash would make
/// every unit look changed).
@Suite struct CalendarDateAndHashTests {
  /// The string-level parser the byte-level one replaced.
  func referenceDate(_ text: String) -> (Int, Int, Int)? {
    var scalars = Substring(text)
    while let first = scalars.first, first == " " || first == "\t" {
      scalars.removeFirst()
    }
    while let last = scalars.last, last == " " || last == "\t" {
      scalars.removeLast()
    }
    let trimmed = String(scalars)
    let parts: [Substring]
    let order: (year: Int, month: Int, day: Int)
    if trimmed.contains("-") {
      parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
      guard parts.count == 3, parts[0].count == 4,
        (1...2).contains(parts[1].count), (1...2).contains(parts[2].count)
      else { return nil }
      order = (0, 1, 2)
    } else {
      parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count == 3, parts[2].count == 4,
        (1...2).contains(parts[1].count), (1...2).contains(parts[0].count)
      else { return nil }
      order = (2, 1, 0)
    }
    guard parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let year = Int(parts[order.year]), let month = Int(parts[order.month]),
      let day = Int(parts[order.day])
    else { return nil }
    guard (1...12).contains(month), day >= 1,
      day <= CalendarDate.days(inMonth: month, year: year)
    else { return nil }
    return (year, month, day)
  }

  @Test func bytewiseDatesAreTheStringParsersDates() {
    var generator = SeededGenerator(seed: 20_261_121)
    // Pieces of dates, and what could pass for one: other digits,
    // combining marks, letters, stray separators and spaces.
    let pieces = [
      "2020", "2019", "0001", "9999", "1", "01", "12", "13", "29", "30", "31",
      "00", "-", ".", " ", "\t", "\u{301}", "٣", "a", "é", "+1", "--", "..",
      "123", "20200",
    ]
    var parsed = 0
    for _ in 0..<20_000 {
      var text = ""
      if Bool.random(using: &generator) {
        // Shaped like a date, with one piece sometimes swapped.
        let (separator, isISO) =
          Bool.random(using: &generator) ? ("-", true) : (".", false)
        let year = String(Int.random(in: 1900...2100, using: &generator))
        let month = String(Int.random(in: 0...13, using: &generator))
        let day = String(Int.random(in: 0...32, using: &generator))
        var fields = isISO ? [year, month, day] : [day, month, year]
        if Int.random(in: 0..<4, using: &generator) == 0 {
          fields[Int.random(in: 0..<3, using: &generator)] =
            pieces.randomElement(using: &generator) ?? ""
        }
        text = fields.joined(separator: separator)
        if Bool.random(using: &generator) { text = " \t" + text + " " }
      } else {
        for _ in 0..<Int.random(in: 0...7, using: &generator) {
          text += pieces.randomElement(using: &generator) ?? ""
        }
      }
      let date = CalendarDate(parsing: text)
      let expected = referenceDate(text)
      #expect(
        date.map { [$0.year, $0.month, $0.day] }
          == expected.map { [$0.0, $0.1, $0.2] }, "\(text.debugDescription)")
      if date != nil { parsed += 1 }
    }
    // Both outcomes are exercised.
    #expect(parsed > 2_000)
    #expect(parsed < 18_000)
  }

  /// The hash as it was first written: every part's UTF-8 length (8 bytes,
  /// little-endian) and bytes, through arrays.
  func referenceHash(_ report: WorkReport) -> String {
    var hasher = SHA256()
    func add(_ string: String) {
      let bytes = Array(string.utf8)
      hasher.update(
        data: withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init))
      hasher.update(data: bytes)
    }
    add(report.id)
    add(report.date?.description ?? "")
    for (name, text) in report.texts {
      add("t:" + name)
      add(text)
    }
    for (name, value) in report.attributes {
      add("a:" + name)
      add(value)
    }
    // The first 15 of the 64 hexadecimal digits.
    return String(
      hasher.finalize().map { String(format: "%02x", $0) }.joined().prefix(15))
  }

  /// A date written ten bytes at once reads as the padded pieces it was
  /// joined from, and so does any other (out of range) date.
  @Test func datesAreWrittenAsTheirPaddedFields() throws {
    func padded(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count))
        + digits
    }
    var date = try #require(CalendarDate(parsing: "2020-01-01"))
    for year in [0, 7, 99, 999, 1970, 2020, 9999, 10_000, 12_345, -5] {
      for month in 0...13 {
        for day in [0, 1, 9, 10, 28, 31, 32, 100] {
          date.year = year
          date.month = month
          date.day = day
          #expect(
            date.description
              == padded(year, 4) + "-" + padded(month, 2) + "-"
              + padded(day, 2))
        }
      }
    }
  }

  @Test func rowHashesAreTheFirstOnes() {
    var generator = SeededGenerator(seed: 98)
    let words = ["", "a", "naloxone", "ночью", "ё", "😀", "a,b", "\n", "t:"]
    func text() -> String {
      (0..<Int.random(in: 0...4, using: &generator)).map { _ in
        words.randomElement(using: &generator) ?? ""
      }.joined(separator: " ")
    }
    for _ in 0..<500 {
      let report = WorkReport(
        id: text(), line: 2,
        date: Bool.random(using: &generator)
          ? CalendarDate(
            parsing: "2020-03-0\(Int.random(in: 1...9, using: &generator))")
          : nil,
        texts: (0..<Int.random(in: 0...3, using: &generator)).map { _ in
          (text(), text())
        },
        attributes: (0..<Int.random(in: 0...2, using: &generator)).map { _ in
          (text(), text())
        })
      #expect(report.contentHash == referenceHash(report))
    }
    // A row of the synthetic benchmark file, as stored by earlier versions
    // (all 64 digits before migration v10, the first 15 since).
    let stored = WorkReport(
      id: "N0000000", line: 2, date: CalendarDate(parsing: "2021-02-27"),
      texts: [
        (
          "request",
          "Boyfriend took too much, he is blue and not breathing properly."
        ),
        (
          "services",
          "Sent the overdose bot link, told her to call an ambulance and start rescue breathing; stayed on the line until the ambulance came."
        ),
      ],
      attributes: [("channel", "direct message")])
    #expect(stored.contentHash == "a45ff71443ea458")
  }
}
