import Foundation

extension String {
  /// The string in Unicode Normalization Form C.
  ///
  /// Most work-report text is Latin or Cyrillic with precomposed letters,
  /// which is NFC already; checking for that is much cheaper than
  /// Foundation's normalization, which runs only when a scalar could change
  /// (a combining mark, or anything outside Latin-1 and Cyrillic).
  public var nfc: String {
    let isNFC = utf8.withContiguousStorageIfAvailable(
      Self.keepsLatinAndCyrillic)
    if isNFC ?? unicodeScalars.allSatisfy(Self.isLatinOrCyrillic) {
      return self
    }
    return precomposedStringWithCanonicalMapping
  }

  /// Whether a scalar is below U+0300 (where the combining marks start) or
  /// Cyrillic (U+0400–U+04FF): NFC whatever comes next to it.
  static func isLatinOrCyrillic(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x0300 || (0x0400...0x04FF).contains(scalar.value)
  }

  /// Whether every scalar of valid UTF-8 `bytes` is Latin or Cyrillic.
  ///
  /// As ``isLatinOrCyrillic(_:)`` has it, decided by lead bytes alone:
  /// U+0080 to U+02FF lead with 0xC2–0xCB, Cyrillic with 0xD0–0xD3, so a
  /// lead of 0xCC–0xCF or 0xD4 and above is another scalar. Eight bytes at
  /// a time, as one 64-bit word: of a byte with its top bit set, the low
  /// seven bits are at least 0x54 (0xD4) when adding 0x2C carries into the
  /// top bit, and within 0x4C–0x4F (0xCC–0xCF) when adding 0x34 carries and
  /// adding 0x30 does not; no addition carries into the next byte. (A byte
  /// at a time, Russian text cost import 33 million instructions for 20,000
  /// cases.)
  static func keepsLatinAndCyrillic(
    _ bytes: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    var index = bytes.scanWords { word in
      let marked = word & UnsafeBufferPointer<UInt8>.highBits
      if marked == 0 { return true }
      let low = word & ~UnsafeBufferPointer<UInt8>.highBits
      let fromD4 = low &+ 0x2C2C_2C2C_2C2C_2C2C
      let fromCC =
        (low &+ 0x3434_3434_3434_3434) & ~(low &+ 0x3030_3030_3030_3030)
      return (fromD4 | fromCC) & marked == 0
    }
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      if byte >= 0xD4 || (0xCC...0xCF).contains(byte) { return false }
    }
    return true
  }
}
