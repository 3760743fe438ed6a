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
  private static func isLatinOrCyrillic(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x0300 || (0x0400...0x04FF).contains(scalar.value)
  }

  /// Whether every scalar of valid UTF-8 `bytes` is Latin or Cyrillic.
  ///
  /// As ``isLatinOrCyrillic(_:)`` has it, decided by lead bytes alone:
  /// U+0080 to U+02FF lead with 0xC2–0xCB, Cyrillic with 0xD0–0xD3. ASCII
  /// is skipped eight bytes at a time.
  private static func keepsLatinAndCyrillic(
    _ bytes: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var index = 0
    while index < bytes.count {
      if index + 8 <= bytes.count,
        raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
          & 0x8080_8080_8080_8080 == 0
      {
        index += 8
        continue
      }
      let byte = bytes[index]
      index += 1
      // ASCII and continuation bytes say nothing of their own.
      if byte < 0xC0 { continue }
      if (0xC2...0xCB).contains(byte) || (0xD0...0xD3).contains(byte) {
        continue
      }
      return false
    }
    return true
  }
}
