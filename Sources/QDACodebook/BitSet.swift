/// A fixed number of bits, as a value: the anchors a text holds, the rules a
/// unit may fire.
///
/// Its words live in one ``BitWords`` allocation rather than an array. An
/// array made with a size (`[UInt64](repeating:count:)`) is allocated by the
/// standard library's unspecialised code, which looks up the type of the
/// array's storage at run time: about 700 instructions, and a lookup in a
/// table that every thread shares. Matching makes a few of these sets for
/// every unit it codes; a class of its own has its type known when compiled.
struct BitSet: @unchecked Sendable {
  // Sendable as an array is: the words are copied before a shared copy
  // changes (`isKnownUniquelyReferenced`).
  private var storage: BitWords

  /// A set of `count` bits, all clear.
  init(count: Int) { storage = BitWords.make(words: (count + 63) / 64) }

  /// How many words of 64 bits the set has.
  var wordCount: Int { storage.header }

  @inline(__always)
  mutating func insert(_ bit: Int32) {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    storage.withUnsafeMutablePointerToElements {
      $0[Int(bit) >> 6] |= 1 << UInt64(bit & 63)
    }
  }

  @inline(__always)
  func contains(_ bit: Int32) -> Bool {
    word(Int(bit) >> 6) & (1 << UInt64(bit & 63)) != 0
  }

  /// The bits `64 * index ..< 64 * (index + 1)`.
  @inline(__always)
  func word(_ index: Int) -> UInt64 {
    storage.withUnsafeMutablePointerToElements { $0[index] }
  }

  /// Calls `body` with the words in place, for setting many bits without a
  /// check per bit.
  mutating func withWords<Result>(
    _ body: (UnsafeMutableBufferPointer<UInt64>) -> Result
  ) -> Result {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    let count = storage.header
    return storage.withUnsafeMutablePointerToElements {
      body(UnsafeMutableBufferPointer(start: $0, count: count))
    }
  }

  /// Sets every bit set in `other`, a set of as many bits.
  mutating func formUnion(_ other: BitSet) {
    withWords { words in
      other.storage.withUnsafeMutablePointerToElements { source in
        for index in words.indices { words[index] |= source[index] }
      }
    }
  }

  /// Calls `body` with every set bit, in increasing order.
  func forEachBit(_ body: (Int32) -> Void) {
    for index in 0..<wordCount {
      var word = word(index)
      while word != 0 {
        body(Int32(index << 6 + word.trailingZeroBitCount))
        word &= word - 1
      }
    }
  }
}

/// The words of a ``BitSet``: its number of words, then the words.
final class BitWords: ManagedBuffer<Int, UInt64> {
  /// `words` words, all zero.
  static func make(words: Int) -> BitWords {
    let buffer = unsafeDowncast(
      BitWords.create(minimumCapacity: words) { _ in words },
      to: BitWords.self)
    buffer.withUnsafeMutablePointerToElements {
      $0.initialize(repeating: 0, count: words)
    }
    return buffer
  }

  /// A copy of the words.
  func copy() -> BitWords {
    let copy = BitWords.make(words: header)
    copy.withUnsafeMutablePointerToElements { target in
      withUnsafeMutablePointerToElements { source in
        target.update(from: source, count: header)
      }
    }
    return copy
  }
}
