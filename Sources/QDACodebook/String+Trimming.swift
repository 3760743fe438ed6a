extension String {
  /// The string without the white space around it, as Foundation's
  /// `trimmingCharacters(in:)` trims `.whitespaces` (general category Zs,
  /// U+0009 and U+200B) or, with `newlines`, `.whitespacesAndNewlines` (also
  /// U+000A–U+000D, U+0085, U+2028 and U+2029), without its round trip
  /// through `NSString`: a tenth of loading the study's codebook.
  ///
  /// - Parameter newlines: Whether line breaks are trimmed too.
  /// - Returns: The trimmed string; empty when it is all white space.
  func trimmingWhiteSpace(newlines: Bool) -> String {
    func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
      switch scalar.value {
      case 0x09, 0x200B: return true
      case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return newlines
      default: return scalar.properties.generalCategory == .spaceSeparator
      }
    }
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
      let last = scalars.lastIndex(where: { !isTrimmed($0) })
    else { return "" }
    return String(Substring(scalars[first...last]))
  }
}
