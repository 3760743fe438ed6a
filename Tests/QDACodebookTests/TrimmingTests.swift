import Foundation
import QDATestSupport
import Testing

@testable import QDACodebook

@Suite struct TrimmingTests {
  /// Every kind of scalar the trim tells apart: each space separator (Zs),
  /// tab and U+200B, each line break Foundation trims, neighbours it does
  /// not (U+200C, U+FEFF, U+180E, U+167F, U+001F), and text with combining
  /// marks, in English and Russian.
  static let alphabet: [Unicode.Scalar] =
    [
      0x20, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
      0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000,
      0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029,
      0x200B, 0x200C, 0xFEFF, 0x180E, 0x167F, 0x1F, 0x301, 0x308,
    ].compactMap(Unicode.Scalar.init)
    + Array("aZ|*вЁё.".unicodeScalars)

  @Test func trimsWhatFoundationTrims() {
    var random = SeededGenerator(seed: 20_261_122)
    for _ in 0..<5_000 {
      var scalars = String.UnicodeScalarView()
      for _ in 0..<Int(random.next() % 12) {
        scalars.append(
          Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))])
      }
      let text = String(scalars)
      let escaped = text.unicodeScalars.map {
        "U+\(String($0.value, radix: 16))"
      }
      #expect(
        text.trimmingWhiteSpace(newlines: false)
          == text.trimmingCharacters(in: .whitespaces),
        "spaces of \(escaped)")
      #expect(
        text.trimmingWhiteSpace(newlines: true)
          == text.trimmingCharacters(in: .whitespacesAndNewlines),
        "spaces and newlines of \(escaped)")
    }
  }

  @Test func keepsWhatIsInside() {
    #expect(
      "\u{3000} вены\tпропали \u{A0}".trimmingWhiteSpace(newlines: false)
        == "вены\tпропали")
    #expect(
      "\n abscess \r\n".trimmingWhiteSpace(newlines: false) == "\n abscess \r\n"
    )
    #expect("\n abscess \r\n".trimmingWhiteSpace(newlines: true) == "abscess")
    #expect(" \t\u{2028}".trimmingWhiteSpace(newlines: true).isEmpty)
  }
}
