import Testing

@testable import QDACodebook

@Suite struct BitSetTests {
  @Test func bitsAreSetAndReadAcrossWords() {
    var set = BitSet(count: 130)
    #expect(set.wordCount == 3)
    for bit: Int32 in [0, 63, 64, 129] { set.insert(bit) }
    var found: [Int32] = []
    set.forEachBit { found.append($0) }
    #expect(found == [0, 63, 64, 129])
    #expect(set.contains(63) && !set.contains(62) && !set.contains(128))
    #expect(set.word(0) == 1 | UInt64(1) << 63)
    #expect(set.word(1) == 1)
    #expect(set.word(2) == 1 << 1)
  }

  /// A set is a value: a copy changed later leaves the original as it was,
  /// however it is changed.
  @Test func aCopyIsChangedApart() {
    var original = BitSet(count: 100)
    original.insert(5)
    var inserted = original
    inserted.insert(70)
    var united = original
    var other = BitSet(count: 100)
    other.insert(99)
    united.formUnion(other)
    var written = original
    written.withWords { $0[1] = 1 << 3 }
    #expect(!original.contains(70) && !original.contains(99))
    #expect(!original.contains(67))
    #expect(inserted.contains(5) && inserted.contains(70))
    #expect(united.contains(5) && united.contains(99))
    #expect(written.contains(5) && written.contains(67))
    #expect(!other.contains(5))
  }

  @Test func anEmptySetHasNoWords() {
    let set = BitSet(count: 0)
    #expect(set.wordCount == 0)
    var found: [Int32] = []
    set.forEachBit { found.append($0) }
    #expect(found.isEmpty)
  }
}
