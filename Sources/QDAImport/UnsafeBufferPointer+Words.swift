extension UnsafeBufferPointer<UInt8> {
  /// The bytes' top bits, one a byte: what the word-at-a-time screens
  /// test their results with.
  static var highBits: UInt64 { 0x8080_8080_8080_8080 }

  /// Calls `body` with each whole 64-bit word of the bytes (eight bytes,
  /// unaligned, the first in the lowest bits), in order, until it returns
  /// `false`.
  ///
  /// - Returns: The offset of the first byte not handed over in a word: the
  ///   start of the word `body` stopped at, or of the last bytes, fewer than
  ///   eight, that make no word.
  @inline(__always)
  func scanWords(_ body: (UInt64) -> Bool) -> Int {
    guard let base = baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    var index = 0
    while index + 8 <= count {
      let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      if !body(word) { return index }
      index += 8
    }
    return index
  }
}
