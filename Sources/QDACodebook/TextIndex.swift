import Foundation

/// A word of a text, folded for matching, with where it stands in the text.
public struct Token: Sendable, Equatable {
  /// The folded word: lowercase, `ё` as `е`.
  public var text: String
  /// The offset of its first Unicode scalar in the original text.
  public var start: Int
  /// The offset just past its last Unicode scalar in the original text.
  public var end: Int
}

/// Where a word lies: its bytes in the folded text, its scalars in the
/// original.
struct WordSpan: Sendable, Equatable {
  /// The offset of its first byte in the folded text's UTF-8.
  var byteStart: Int
  /// The offset just past its last byte in the folded text's UTF-8.
  var byteEnd: Int
  /// The offset of its first Unicode scalar in the original text.
  var start: Int
  /// The offset just past its last Unicode scalar in the original text.
  var end: Int
}

/// A text prepared for matching: folded, split into words, with offsets.
///
/// Folding makes matching case-insensitive for Latin and Cyrillic and treats
/// `ё` as `е`, as Russian writers often do. Texts are normalised to NFC
/// first (qda also stores them so), and offsets refer to the NFC text. A word
/// is a maximal run of letters, digits and combining marks; everything else
/// separates words, so `at-home` is two words and `вич-инфекция` too.
///
/// The folded text is kept as UTF-8 bytes and each word as a span of them,
/// so that preparing a text makes no string per word: matching compares
/// bytes (see ``AnchorTable``). A class, so that the fields of a unit pass
/// from rule to rule without copying; it never changes after it is made
/// (hence `@unchecked Sendable`: its one buffer is written only by its
/// initialiser and freed only by its deinitialiser).
public final class TextIndex: @unchecked Sendable {
  /// The folded text as UTF-8, in memory the index owns.
  ///
  /// Not an array: folding writes each byte straight into it, where
  /// appending to an array checked its capacity and uniqueness per byte
  /// (a third of the fold's instructions).
  private let storage: UnsafeMutableBufferPointer<UInt8>
  /// The folded text as UTF-8.
  var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(storage) }
  /// For each Unicode scalar of the folded text, its offset in the original
  /// text; `nil` when folding kept every scalar one for one.
  private let offsets: [Int]?
  /// The words, in order.
  let words: [WordSpan]

  /// The folded text, for regular expressions.
  public var folded: String { String(decoding: bytes, as: UTF8.self) }

  /// The words, in order, each as a string.
  public var tokens: [Token] {
    words.map {
      Token(
        text: String(decoding: bytes[$0.byteStart..<$0.byteEnd], as: UTF8.self),
        start: $0.start, end: $0.end)
    }
  }

  /// How many words the text has.
  public var wordCount: Int { words.count }

  /// For each Unicode scalar of `folded`, its offset in the original text.
  public var originalOffsets: [Int] {
    offsets ?? Array(0..<folded.unicodeScalars.count)
  }

  /// The offset in the original text of the `index`th scalar of `folded`.
  @inline(__always)
  func originalOffset(ofFolded index: Int) -> Int { offsets?[index] ?? index }

  /// Takes ownership of `storage` (allocated, every byte initialised).
  private init(
    storage: UnsafeMutableBufferPointer<UInt8>, offsets: [Int]?,
    words: [WordSpan]
  ) {
    self.storage = storage
    self.offsets = offsets
    self.words = words
  }

  deinit { storage.deallocate() }

  /// Prepares `text`, normalising it to NFC first.
  public convenience init(_ text: String) {
    if let (storage, words) = Self.foldedBytewise(text) {
      self.init(storage: storage, offsets: nil, words: words)
    } else {
      self.init(scalarwise: text)
    }
  }

  /// Prepares the text whose UTF-8 is `text`, as ``init(_:)`` prepares
  /// `String(decoding: text, as: UTF8.self)`: bytes that are not UTF-8 are
  /// read as that repairs them.
  ///
  /// For texts read as bytes (from the database), which need no string
  /// unless they hold scalars other than ASCII and basic Cyrillic.
  public convenience init(utf8 text: UnsafeBufferPointer<UInt8>) {
    if let (storage, words) = Self.foldedBytewise(utf8: text) {
      self.init(storage: storage, offsets: nil, words: words)
    } else {
      self.init(scalarwise: String(decoding: text, as: UTF8.self))
    }
  }

  /// Prepares `text` scalar by scalar: the general way, for any script.
  convenience init(scalarwise text: String) {
    let text = Self.canonicallyComposed(text)
    var bytes: [UInt8] = []
    var offsets: [Int] = []
    var words: [WordSpan] = []
    var wordStart: (byte: Int, scalar: Int)?
    var offset = 0
    bytes.reserveCapacity(text.utf8.count)
    offsets.reserveCapacity(text.unicodeScalars.count)
    func append(_ folded: Unicode.Scalar, isWord: Bool) {
      if isWord, wordStart == nil { wordStart = (bytes.count, offset) }
      bytes.append(contentsOf: folded.utf8)
      offsets.append(offset)
    }
    for scalar in text.unicodeScalars {
      let isWordScalar = Self.isWordScalar(scalar)
      if !isWordScalar, let start = wordStart {
        words.append(
          WordSpan(
            byteStart: start.byte, byteEnd: bytes.count, start: start.scalar,
            end: offset))
        wordStart = nil
      }
      if let single = Self.foldSingle(scalar) {
        // The common case (ASCII, Cyrillic) without an array per scalar.
        append(single, isWord: isWordScalar)
      } else {
        for foldedScalar in Self.fold(scalar) {
          append(foldedScalar, isWord: isWordScalar)
        }
      }
      offset += 1
    }
    if let start = wordStart {
      words.append(
        WordSpan(
          byteStart: start.byte, byteEnd: bytes.count, start: start.scalar,
          end: offset))
    }
    let storage = UnsafeMutableBufferPointer<UInt8>.allocate(
      capacity: bytes.count)
    _ = storage.initialize(from: bytes)
    self.init(storage: storage, offsets: offsets, words: words)
  }

  /// Folds and splits a text of ASCII and basic Cyrillic (U+0400–U+045F)
  /// byte by byte, as ``init(scalarwise:)`` does; `nil` for any other text.
  ///
  /// Most texts are of these scripts, and they need neither normalisation
  /// (they hold no combining marks) nor offsets (every scalar folds to one).
  /// Folding never lengthens them, so the folded bytes are written into a
  /// buffer as long as the text, which the caller then owns.
  static func foldedBytewise(_ text: String)
    -> (UnsafeMutableBufferPointer<UInt8>, [WordSpan])?
  {
    var text = text
    return text.withUTF8 { foldedBytewise(utf8: $0) }
  }

  /// ``foldedBytewise(_:)`` of the text whose UTF-8 is `source`; `nil` too
  /// for bytes that are not UTF-8.
  static func foldedBytewise(utf8 source: UnsafeBufferPointer<UInt8>)
    -> (UnsafeMutableBufferPointer<UInt8>, [WordSpan])?
  {
    let output = UnsafeMutableBufferPointer<UInt8>.allocate(
      capacity: source.count)
    if let words = fold(source, into: output) { return (output, words) }
    output.deallocate()
    return nil
  }

  /// The work of ``foldedBytewise(_:)``: writes the folded bytes of
  /// `source` into `output` (as long as `source`), and returns the words;
  /// `nil` for a text of other scripts, with `output` partly written.
  ///
  /// The bytes between words and the bytes of a word are each copied by a
  /// loop of their own, so that a byte costs a test of its class and a
  /// store, not also a test of whether a word has begun. Folding keeps every
  /// byte where it was (`Ё`, two bytes, becomes `е`, two bytes), so one
  /// offset serves both texts.
  private static func fold(
    _ source: UnsafeBufferPointer<UInt8>,
    into output: UnsafeMutableBufferPointer<UInt8>
  ) -> [WordSpan]? {
    var words: [WordSpan] = []
    // Room for a word every six bytes, so most texts' words need one
    // allocation rather than one per doubling.
    words.reserveCapacity(source.count / 6 + 2)
    let count = source.count
    guard count > 0, let from = source.baseAddress, let to = output.baseAddress
    else { return words }
    return asciiWordFolds.withUnsafeBufferPointer { folds in
      cyrillicFolds.withUnsafeBufferPointer { cyrillic in
        fold(
          from, count: count, into: to, folds: folds, cyrillic: cyrillic,
          words: &words)
      }
    } ? words : nil
  }

  /// For each ASCII byte, the byte it folds to if it is a letter or a
  /// digit, else 0: a byte's class and its fold in one load.
  private static let asciiWordFolds: [UInt8] = (0..<128).map { byte in
    switch UInt8(byte) {
    case 0x30...0x39, 0x61...0x7A: UInt8(byte)
    case 0x41...0x5A: UInt8(byte) | 0x20
    default: 0
    }
  }

  /// For each two-byte scalar U+0400–U+047F, indexed by the lead byte's
  /// last bit and the second byte's last six, the UTF-8 of what it folds
  /// to (lead byte high), or 0 from U+0460 on: the basic Cyrillic letters,
  /// `ё` and `Ё` as `е`, capitals as small letters.
  private static let cyrillicFolds: [UInt16] = (0..<128).map { index in
    var value = UInt32(0x0400 + index)
    switch value {
    case 0x0401, 0x0451: value = 0x0435  // Ё, ё → е
    case 0x0400...0x040F: value += 0x50  // Ѐ–Џ → ѐ–џ
    case 0x0410...0x042F: value += 0x20  // А–Я → а–я
    case 0x0430...0x045F: break
    default: return 0
    }
    return UInt16(0xC0 | (value >> 6)) << 8 | UInt16(0x80 | (value & 0x3F))
  }

  /// The loop of ``fold(_:into:)``; `false` for a text of other scripts.
  @inline(__always)
  private static func fold(
    _ from: UnsafePointer<UInt8>, count: Int,
    into to: UnsafeMutablePointer<UInt8>, folds: UnsafeBufferPointer<UInt8>,
    cyrillic: UnsafeBufferPointer<UInt16>, words: inout [WordSpan]
  ) -> Bool {
    // Offsets in bytes (of both texts) and in scalars. Wrapping arithmetic:
    // neither can overflow, and the checks were a fifth of the loop.
    var index = 0
    var scalar = 0
    while index < count {
      // Between words: ASCII that is neither a letter nor a digit.
      while index < count {
        let byte = from[index]
        if byte >= 0x80 || folds[Int(byte)] != 0 { break }
        to[index] = byte
        index &+= 1
        scalar &+= 1
      }
      if index == count { break }
      let start = index
      let startScalar = scalar
      // A word: ASCII letters and digits, and basic Cyrillic letters.
      while index < count {
        let byte = from[index]
        if byte < 0x80 {
          let folded = folds[Int(byte)]
          guard folded != 0 else { break }
          to[index] = folded
          index &+= 1
        } else {
          // A lead byte of U+0400–U+047F, and a continuation byte after it
          // (always, in a string; bytes read as bytes may not be UTF-8).
          guard byte & 0xFE == 0xD0, index &+ 1 < count,
            from[index &+ 1] & 0xC0 == 0x80
          else { return false }
          let folded = cyrillic[
            Int(byte & 1) << 6 | Int(from[index &+ 1] & 0x3F)]
          // Historic letters (U+0460 on): the general way.
          guard folded != 0 else { return false }
          to[index] = UInt8(truncatingIfNeeded: folded >> 8)
          to[index &+ 1] = UInt8(truncatingIfNeeded: folded)
          index &+= 2
        }
        scalar &+= 1
      }
      words.append(
        WordSpan(
          byteStart: start, byteEnd: index, start: startScalar, end: scalar))
    }
    return true
  }

  /// The text in NFC.
  ///
  /// Latin-1 and Cyrillic scalars are NFC as they are, so Foundation's
  /// normalisation runs only for texts with other scalars (combining marks
  /// among them).
  static func canonicallyComposed(_ text: String) -> String {
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value < 0x0300 || (0x0400...0x04FF).contains(value) { continue }
      return text.precomposedStringWithCanonicalMapping
    }
    return text
  }

  /// Folds a whole string as ``TextIndex`` does.
  public static func fold(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      result.append(contentsOf: fold(scalar))
    }
    return String(result)
  }

  /// Whether a scalar belongs to a word.
  @inline(__always)
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if scalar.isASCII {
      return (value >= 0x30 && value <= 0x39)
        || (value >= 0x41 && value <= 0x5A)
        || (value >= 0x61 && value <= 0x7A)
    }
    // The Cyrillic block: letters and combining marks, but for the
    // thousands sign (U+0482).
    if value >= 0x0400 && value <= 0x04FF { return value != 0x0482 }
    let properties = scalar.properties
    if properties.isAlphabetic { return true }
    switch properties.generalCategory {
    case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark,
      .letterNumber,
      .otherNumber:
      return true
    default:
      return false
    }
  }

  /// Folds an ASCII or Cyrillic scalar to the one scalar it becomes; `nil`
  /// for the others, which ``fold(_:)-swift.type.method`` handles.
  @inline(__always)
  static func foldSingle(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
    let value = scalar.value
    if value < 0x80 {
      if value >= 0x41 && value <= 0x5A {
        return Unicode.Scalar(UInt8(value + 0x20))
      }
      return scalar
    }
    if value >= 0x0430 && value <= 0x044F { return scalar }
    if value >= 0x0410 && value <= 0x042F {
      return Unicode.Scalar(value + 0x20)
    }
    if value == 0x0401 || value == 0x0451 { return "\u{0435}" }
    return nil
  }

  /// Folds one scalar: lowercase, `ё`/`Ё` → `е`, `ß` → `ss`.
  @inline(__always)
  static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
    let value = scalar.value
    if value < 0x80 {
      if value >= 0x41 && value <= 0x5A {
        return [Unicode.Scalar(UInt8(value + 0x20))]
      }
      return [scalar]
    }
    // Cyrillic capitals А-Я map to а-я by +0x20; Ё and ё fold to е.
    if value == 0x0401 || value == 0x0451 { return ["\u{0435}"] }
    if value >= 0x0410 && value <= 0x042F,
      let lower = Unicode.Scalar(value + 0x20)
    {
      return [lower]
    }
    if value >= 0x0430 && value <= 0x044F { return [scalar] }
    if value == 0x00DF { return ["s", "s"] }
    let lower = scalar.properties.lowercaseMapping
    return Array(lower.unicodeScalars)
  }
}

/// A folded word compared and hashed by its UTF-8 bytes.
///
/// Words are NFC and
/// folded already, so equal bytes are equal words, and the byte-wise path
/// skips the normalisation Swift's `String` equality does for non-ASCII text.
struct FoldedWord: Hashable, Sendable {
  let text: String

  init(_ text: String) { self.text = text }

  static func == (lhs: FoldedWord, rhs: FoldedWord) -> Bool {
    lhs.text.hasSameBytes(as: rhs.text)
  }

  func hash(into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}

extension String {
  /// Whether the two strings have the same UTF-8 bytes.
  ///
  /// A byte comparison, without the normalisation `==` does for non-ASCII
  /// text (folded words are NFC already). Different lengths, the usual
  /// case, answer at once.
  @inline(__always)
  func hasSameBytes(as other: String) -> Bool {
    utf8.count == other.utf8.count && utf8.elementsEqual(other.utf8)
  }

  /// Whether the string's UTF-8 bytes start with `prefix`'s.
  @inline(__always)
  func hasBytePrefix(_ prefix: String) -> Bool {
    utf8.count >= prefix.utf8.count && utf8.starts(with: prefix.utf8)
  }
}
