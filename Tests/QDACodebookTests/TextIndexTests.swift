import Testing

@testable import QDACodebook

@Suite struct TextIndexTests {
  /// Tokens as comparable text.
  func describe(_ index: TextIndex) -> [String] {
    [index.folded] + index.tokens.map { "\($0.text)@\($0.start)..<\($0.end)" }
      + [index.originalOffsets.map(String.init).joined(separator: ",")]
  }

  @Test func theBytewiseFoldAgreesWithTheGeneralOne() {
    // Every scalar the byte-wise path takes, and a few it leaves.
    let alphabet: [Unicode.Scalar] =
      (0x00...0x7F).compactMap(Unicode.Scalar.init)
      + (0x0400...0x045F).compactMap(Unicode.Scalar.init)
      + [" ", " ", "-", "ё", "Ё", "Й"]
    var generator = SystemRandomNumberGenerator()
    var seed = UInt64.random(in: 0...UInt64.max, using: &generator)
    func next() -> UInt64 {
      // SplitMix64: reproducible from the seed printed on failure.
      seed &+= 0x9E37_79B9_7F4A_7C15
      var z = seed
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let start = seed
    for _ in 0..<2_000 {
      let length = Int(next() % 40)
      var text = String.UnicodeScalarView()
      for _ in 0..<length {
        text.append(alphabet[Int(next() % UInt64(alphabet.count))])
      }
      let string = String(text)
      let bytewise = TextIndex.foldedBytewise(string)
      #expect(bytewise != nil, "\(string.debugDescription)")
      bytewise?.0.deallocate()
      #expect(
        describe(TextIndex(string)) == describe(TextIndex(scalarwise: string)),
        "seed \(start): \(string.debugDescription)")
    }
  }

  /// A text read as bytes (from the database) is prepared as the string
  /// those bytes decode to: bytes that are not UTF-8 as decoding repairs
  /// them, never read as Cyrillic by the byte-wise fold.
  @Test func bytesArePreparedAsTheStringTheyDecodeTo() {
    let texts: [[UInt8]] = [
      Array("Ёжик at-home, ВИЧ-инфекция 2 раза".utf8),
      Array("И\u{306}од café Ѣ".utf8),
      [],
      [0xD0],  // a lead byte at the end
      [0x61, 0xD0, 0x41, 0x62],  // a lead byte, then ASCII
      [0xD0, 0xD0, 0x90],  // a lead byte, then a letter
      [0x80, 0x61],  // a continuation byte alone
      [0xD1, 0x91, 0xFF, 0xD0, 0x81],  // ё, a byte never in UTF-8, Ё
      [0xE2, 0x80],  // a three-byte scalar cut short
    ]
    for bytes in texts {
      let index = bytes.withUnsafeBufferPointer { TextIndex(utf8: $0) }
      let string = String(decoding: bytes, as: UTF8.self)
      #expect(describe(index) == describe(TextIndex(string)), "\(bytes)")
    }
    let invalid: [UInt8] = [0x61, 0xD0, 0x41]
    #expect(
      invalid.withUnsafeBufferPointer { TextIndex.foldedBytewise(utf8: $0) }
        == nil)
  }

  @Test func otherScriptsTakeTheGeneralWay() {
    #expect(TextIndex.foldedBytewise("café") == nil)
    #expect(TextIndex.foldedBytewise("Ѣ") == nil)
    let decomposed = TextIndex("И\u{306}од, STRASSE Straße")
    #expect(decomposed.tokens.map(\.text) == ["йод", "strasse", "strasse"])
    #expect(decomposed.tokens.map(\.start) == [0, 5, 13])
    #expect(decomposed.originalOffsets.count == 20)  // ß folds to two
  }

  @Test func foldsCaseAndYoAndSplitsAtPunctuation() {
    let index = TextIndex("ЁЖ at-home ВИЧ-инфекция, 2 раза")
    #expect(
      index.tokens.map(\.text) == [
        "еж", "at", "home", "вич", "инфекция", "2", "раза",
      ])
    #expect(index.folded == "еж at-home вич-инфекция, 2 раза")
    #expect(index.tokens[3].start == 11)
    #expect(index.tokens[3].end == 14)
  }
}
