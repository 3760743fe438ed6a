import Foundation
import QDATestSupport
import Testing

@testable import QDAImport

extension IdentifierSample: CustomTestStringConvertible {
  /// The sentence as it must be stored.
  var redacted: String {
    sentence.replacingOccurrences(of: "{}", with: "[\(kind)]")
      .replacingOccurrences(of: "@second_handle", with: "[handle]")
  }

  public var testDescription: String { "\(kind) \(identifier)" }
}

@Suite struct RedactorTests {
  @Test func theCorpusHoldsFiftyIdentifiersOfEveryKind() {
    let corpus = IdentifierSample.corpus
    #expect(corpus.count >= 50)
    for kind in ["phone", "email", "handle", "link", "card"] {
      #expect(corpus.filter { $0.kind == kind }.count >= 5, "\(kind)")
    }
  }

  @Test(arguments: IdentifierSample.corpus)
  func everyIdentifierIsReplacedAndTheRestKept(_ sample: IdentifierSample) {
    let (redacted, counts) = Redactor().redact(sample.text)
    #expect(redacted == sample.redacted)
    #expect(counts.total >= 1)
  }

  @Test func datesCaseNumbersAndAmountsStay() {
    for text in [
      "Встреча 2020-04-15, кейс C017, 12 шприцев, 3 теста.",
      "Called at 23:45 on 15.04.2020; 1 500 рублей на проезд.",
      "Протокол № 12345678 от 01.02.2020.",
      "He asked about vein #3 and 10 mg.",
    ] {
      let (redacted, counts) = Redactor().redact(text)
      #expect(redacted == text)
      #expect(counts.total == 0)
    }
  }

  /// Each match is replaced where it is, among characters of several
  /// scalars and of two UTF-16 units, matches side by side and several
  /// kinds in one text.
  @Test func matchesAreReplacedWhereTheyAreAmongAnyCharacters() {
    for (text, expected, total) in [
      ("звоните +7 912 345-67-89\u{301} или", "звоните [phone]\u{301} или", 1),
      ("😀+44 20 7946 0958😀 😀", "😀[phone]😀 😀", 1),
      ("a@b.ru, c@d.com; e@f.org", "[email], [email]; [email]", 3),
      (
        "é t.me/some_chat 👍🏽 @helper_bot, 4111 1111 1111 1111",
        "é [link] 👍🏽 [handle], [card]", 3
      ),
      ("ё@почта.рф\u{0}+79123456789", "[email]\u{0}[phone]", 2),
    ] {
      let (redacted, counts) = Redactor().redact(text)
      #expect(redacted == expected, "\(text)")
      #expect(counts.total == total, "\(text)")
    }
  }

  /// The screen that decides which expressions run, eight bytes at a time,
  /// against a byte at a time, on random bytes of every length up to 40:
  /// every byte value, and many of the digits, `@`, `/` and the bytes
  /// around them (`.` to `A`, and the ends of each half of the bytes), at
  /// every alignment.
  @Test func theScreenCountsAsAByteAtATimeDoes() {
    var random = SeededGenerator(seed: 11)
    let near: [UInt8] =
      Array(0x2E...0x41) + [0x00, 0x7F, 0x80, 0xB0, 0xB9, 0xC0, 0xFF]
    for _ in 0..<20_000 {
      let count = Int.random(in: 0...40, using: &random)
      let bytes: [UInt8] = (0..<count).map { _ in
        Bool.random(using: &random)
          ? near.randomElement(using: &random) ?? 0
          : UInt8.random(in: 0...255, using: &random)
      }
      let expected = (
        digits: bytes.filter { (0x30...0x39).contains($0) }.count,
        hasAt: bytes.contains(0x40), hasSlash: bytes.contains(0x2F)
      )
      let found = bytes.withUnsafeBufferPointer(Redactor.look)
      #expect(found == expected, "\(bytes)")
    }
  }
}
