import Foundation

extension String {
  /// The string in Unicode Normalization Form C.
  ///
  /// Most work-report text is Latin or Cyrillic with precomposed letters,
  /// which is NFC already; checking for that is much cheaper than
  /// Foundation's normalization, which runs only when a scalar could change
  /// (a combining mark, or anything outside Latin-1 and Cyrillic).
  public var nfc: String {
    for scalar in unicodeScalars {
      let value = scalar.value
      if value < 0x0300 || (value >= 0x0400 && value <= 0x04FF) { continue }
      return precomposedStringWithCanonicalMapping
    }
    return self
  }
}
