/// Every word and stem that a set of word patterns names, numbered, with a
/// way to find all of them in a text in one pass over its words.
///
/// This is what makes the number of rules nearly free: a text's words are
/// looked up once each — one walk down a byte trie finds a word's stems and
/// the word itself — whatever the number of patterns. The text then carries
/// each word's number (see ``PreparedText``): patterns rule themselves in or
/// out by testing a few bits (``Pattern/bound(to:)``), and match by comparing
/// numbers, never strings.
final class AnchorTable: Sendable {
  /// The words and stems, as a byte trie.
  private let trie: AnchorTrie
  /// How many anchors there are.
  let count: Int
  /// The length of each anchor's word or stem, in Unicode scalars: longer
  /// words are rarer, which is how a rule picks the words it is looked up
  /// by (see `RuleProgram`).
  let lengths: [Int]

  /// Numbers the words and stems of `patterns`.
  convenience init(patterns: [Pattern]) {
    self.init(anchors: patterns.flatMap(\.anchors))
  }

  /// Numbers `anchors`, in order, each once.
  init(anchors: [Pattern.Anchor]) {
    var wordIDs: [FoldedWord: Int32] = [:]
    var stemIDs: [FoldedWord: Int32] = [:]
    var next: Int32 = 0
    var lengths: [Int] = []
    for anchor in anchors {
      switch anchor {
      case .word(let word) where wordIDs[word] == nil:
        wordIDs[word] = next
        lengths.append(word.text.unicodeScalars.count)
        next += 1
      case .stem(let stem) where stemIDs[FoldedWord(stem)] == nil:
        stemIDs[FoldedWord(stem)] = next
        lengths.append(stem.unicodeScalars.count)
        next += 1
      default: break
      }
    }
    self.lengths = lengths
    self.trie = AnchorTrie(
      words: wordIDs.map { (Array($0.key.text.utf8), $0.value) },
      stems: stemIDs.map { (Array($0.key.text.utf8), $0.value) })
    self.count = Int(next)
  }

  /// The id of an anchor this table was made with.
  func id(of anchor: Pattern.Anchor) -> Int32? {
    switch anchor {
    case .word(let word): return trie.id(ofWord: Array(word.text.utf8))
    case .stem(let stem): return trie.id(ofStem: Array(stem.utf8))
    }
  }

  /// The anchors present in a text.
  func anchors(in text: TextIndex) -> AnchorSet { prepare(text).anchors }

  /// Numbers the words of a text by this table.
  ///
  /// The numbers are written through pointers into room for the most they
  /// can be (a word has at most one stem per byte), and the trie is walked
  /// inline: per word, this is a few loads, not a call and an append per
  /// stem.
  func prepare(_ text: TextIndex) -> PreparedText {
    let wordCount = text.words.count
    // Word ids, then where each word's stems start, then the stem ids.
    let stemsStart = 2 * wordCount + 1
    let bytes = text.bytes
    let numbers = UnsafeMutablePointer<Int32>.allocate(
      capacity: stemsStart + bytes.count)
    var anchors = AnchorSet(table: ObjectIdentifier(self), count: count)
    var next = stemsStart
    anchors.withWords { present in
      trie.withNodes { nodes in
        text.words.withUnsafeBufferPointer { words in
          for index in 0..<wordCount {
            numbers[wordCount + index] = Int32(truncatingIfNeeded: next)
            var id: Int32 = -1
            var at = words[index].byteStart
            let end = words[index].byteEnd
            var node = 0
            // An empty table has only its root, which has no edges.
            while at < end {
              node = AnchorTrie.follow(nodes, node, bytes[at])
              if node == AnchorTrie.noNode { break }
              let stem = AnchorTrie.stem(nodes, node)
              if stem >= 0 {
                numbers[next] = stem
                next &+= 1
                present.insert(stem)
              }
              at &+= 1
            }
            if at == end, node != AnchorTrie.noNode,
              end > words[index].byteStart
            {
              id = AnchorTrie.word(nodes, node)
              if id >= 0 { present.insert(id) }
            }
            numbers[index] = id
          }
        }
      }
    }
    numbers[2 * wordCount] = Int32(truncatingIfNeeded: next)
    return PreparedText(
      wordCount: wordCount, numbers: numbers, count: next, anchors: anchors)
  }
}

/// A text's words numbered by an ``AnchorTable``: what patterns bound to that
/// table match against.
///
/// A class: it passes from pattern to pattern without copying its numbers.
/// The numbers are in memory of its own, not an array: an array made at a
/// size costs a look-up of its type (see ``BitSet``).
///
/// It holds no reference to its table (its anchors name it by identity):
/// the table is shared by every coding thread, and a reference taken and
/// let go of per text made the threads contend for its reference count,
/// one cache line passed between the cores for every text.
final class PreparedText: @unchecked Sendable {
  // Sendable: the numbers and anchors are written only by `prepare`, before
  // the text is shared, and freed only by the deinitialiser.

  /// How many words the text has.
  let wordCount: Int
  /// Every anchor the text holds.
  let anchors: AnchorSet
  /// The numbers, and how many there are.
  private let storage: UnsafeMutablePointer<Int32>
  private let count: Int

  /// Takes ownership of `numbers` (allocated, `count` of them initialised).
  /// (All constants: a variable of a class is checked for exclusive access
  /// at run time, on every read.)
  fileprivate init(
    wordCount: Int, numbers: UnsafeMutablePointer<Int32>, count: Int,
    anchors: AnchorSet
  ) {
    self.wordCount = wordCount
    self.storage = numbers
    self.count = count
    self.anchors = anchors
  }

  deinit { storage.deallocate() }

  /// Calls `body` with the numbers: for each word, its id or -1; then, for
  /// each word and one past the last, where its stem ids start among these
  /// same numbers; then the stem ids.
  @inline(__always)
  func withNumbers<Result>(_ body: (UnsafeBufferPointer<Int32>) -> Result)
    -> Result
  {
    body(UnsafeBufferPointer(start: storage, count: count))
  }
}

/// The anchors of an ``AnchorTable`` that a text contains, as bits.
struct AnchorSet: Sendable {
  /// The table the ids belong to.
  let table: ObjectIdentifier
  private var bits: BitSet

  init(table: ObjectIdentifier, count: Int) {
    self.table = table
    bits = BitSet(count: count)
  }

  @inline(__always)
  mutating func insert(_ id: Int32) { bits.insert(id) }

  /// Calls `body` with the set's bits in place, for adding many ids
  /// without a check per id.
  mutating func withWords<Result>(_ body: (Bits) -> Result) -> Result {
    bits.withWords { body(Bits(words: $0)) }
  }

  /// The bits of an ``AnchorSet``, borrowed.
  struct Bits {
    let words: UnsafeMutableBufferPointer<UInt64>

    @inline(__always)
    func insert(_ id: Int32) {
      words[Int(id) >> 6] |= 1 << UInt64(id & 63)
    }
  }

  /// Adds the anchors of another set of the same table.
  mutating func formUnion(_ other: AnchorSet) { bits.formUnion(other.bits) }

  /// Calls `body` with every id in the set, in increasing order.
  func forEachID(_ body: (Int32) -> Void) { bits.forEachBit(body) }

  @inline(__always)
  func contains(_ id: Int32) -> Bool { bits.contains(id) }

  /// The bits of ids `64 * index ..< 64 * (index + 1)`.
  @inline(__always)
  func word(_ index: Int) -> UInt64 { bits.word(index) }
}

/// Words and stems in a byte trie: one walk down a word's UTF-8 bytes from
/// the root finds every stem the word starts with and, if the walk reaches
/// the word's end, the word itself.
///
/// The trie is walked for every word of every text coded, so each node is
/// one run of a single array, laid out breadth first (a node's children lie
/// together, near it): the ids of the stem and the word that end at it, its
/// number of edges, then the edges, each a byte and the offset of the node
/// it leads to. A step reads one node's run, usually one cache line. (With
/// edges, their bytes, their targets and the targets' stems in arrays of
/// their own, a step was four dependent loads from four places.) A node
/// with many edges has a table of 256 offsets instead: after a Cyrillic
/// lead byte, most letters have an edge. Most words of a text leave the
/// trie after a byte or two, so finding whole words here rather than by
/// hashing each word reads most words' bytes only up to where they leave
/// it.
struct AnchorTrie: Sendable {
  /// The nodes, each a run of 64-bit entries.
  ///
  /// Node `n`'s run starts at `n`: `nodes[n]` holds the id of the stem
  /// ending there in its high 32 bits and of the word ending there
  /// in its low 32 (each -1 for none); `nodes[n + 1]` its number of edges,
  /// or ``denseNode``; then each edge as its byte (high 8 bits) and the
  /// offset of its target (low 56), in order of bytes, or for a dense node
  /// 256 offsets, 0 where there is no edge. The root is at 0, and no edge
  /// leads to it, so 0 is also ``noNode``.
  private let nodes: [UInt64]
  /// The offset no edge leads to: the walk has left the trie.
  static let noNode = 0
  /// The edge count of a node with a table of 256 offsets.
  private static let denseNode = UInt64.max
  /// The fewest edges that make a node dense.
  private static let denseEdges = 8
  /// The bits of an edge that hold its target.
  private static let targetMask: UInt64 = (1 << 56) - 1

  init(
    words: [(bytes: [UInt8], id: Int32)] = [],
    stems: [(bytes: [UInt8], id: Int32)]
  ) {
    // Built with a list of edges per node (most have one), then laid out
    // flat, breadth first.
    var children: [[(byte: UInt8, node: Int)]] = [[]]
    var stemIDs: [Int32] = [-1]
    var wordIDs: [Int32] = [-1]
    func node(of bytes: [UInt8]) -> Int {
      var node = 0
      for byte in bytes {
        if let edge = children[node].first(where: { $0.byte == byte }) {
          node = edge.node
        } else {
          children.append([])
          stemIDs.append(-1)
          wordIDs.append(-1)
          children[node].append((byte, children.count - 1))
          node = children.count - 1
        }
      }
      return node
    }
    for (bytes, id) in stems { stemIDs[node(of: bytes)] = id }
    for (bytes, id) in words { wordIDs[node(of: bytes)] = id }
    for node in children.indices { children[node].sort { $0.byte < $1.byte } }
    var order = [0]
    var next = 0
    while next < order.count {
      order += children[order[next]].map(\.node)
      next += 1
    }
    var offsets = [Int](repeating: 0, count: children.count)
    var size = 0
    for node in order {
      offsets[node] = size
      let edges = children[node].count
      size += 2 + (edges >= Self.denseEdges ? 256 : edges)
    }
    var nodes = [UInt64](repeating: 0, count: size)
    for node in order {
      let at = offsets[node]
      nodes[at] =
        UInt64(UInt32(bitPattern: stemIDs[node])) << 32
        | UInt64(UInt32(bitPattern: wordIDs[node]))
      let edges = children[node]
      if edges.count >= Self.denseEdges {
        nodes[at + 1] = Self.denseNode
        for (byte, target) in edges {
          nodes[at + 2 + Int(byte)] = UInt64(offsets[target])
        }
      } else {
        nodes[at + 1] = UInt64(edges.count)
        for (index, (byte, target)) in edges.enumerated() {
          nodes[at + 2 + index] = UInt64(byte) << 56 | UInt64(offsets[target])
        }
      }
    }
    self.nodes = nodes
  }

  /// Calls `body` with the nodes, for walks done inline (see
  /// ``follow(_:_:_:)``).
  @inline(__always)
  func withNodes<Result>(_ body: (UnsafeBufferPointer<UInt64>) -> Result)
    -> Result
  {
    nodes.withUnsafeBufferPointer(body)
  }

  /// The node the edge `byte` leads to from node `node`, or ``noNode``.
  @inline(__always)
  static func follow(
    _ nodes: UnsafeBufferPointer<UInt64>, _ node: Int, _ byte: UInt8
  ) -> Int {
    // Wrapping arithmetic: offsets are far from overflowing, and the
    // checks were a third of a step's instructions.
    let edges = nodes[node &+ 1]
    if edges == denseNode { return Int(nodes[node &+ 2 &+ Int(byte)]) }
    let key = UInt64(byte) << 56
    var edge = node &+ 2
    let end = edge &+ Int(truncatingIfNeeded: edges)
    while edge < end {
      let entry = nodes[edge]
      if entry & ~targetMask == key { return Int(entry & targetMask) }
      edge &+= 1
    }
    return noNode
  }

  /// The id of the stem that ends at node `node`, or -1.
  @inline(__always)
  static func stem(_ nodes: UnsafeBufferPointer<UInt64>, _ node: Int) -> Int32 {
    Int32(truncatingIfNeeded: nodes[node] >> 32)
  }

  /// The id of the word that ends at node `node`, or -1.
  @inline(__always)
  static func word(_ nodes: UnsafeBufferPointer<UInt64>, _ node: Int) -> Int32 {
    Int32(truncatingIfNeeded: nodes[node])
  }

  /// Calls `body` with the id of every stem that the UTF-8 `word` starts
  /// with, and returns the id of `word` itself, or -1.
  func walk(_ word: UnsafeBufferPointer<UInt8>, stems body: (Int32) -> Void)
    -> Int32
  {
    withNodes { nodes in
      var node = 0
      for byte in word {
        node = Self.follow(nodes, node, byte)
        if node == Self.noNode { return -1 }
        let stem = Self.stem(nodes, node)
        if stem >= 0 { body(stem) }
      }
      return word.isEmpty ? -1 : Self.word(nodes, node)
    }
  }

  /// Calls `body` with the id of every stem that `word` starts with, and
  /// returns the id of `word` itself, or -1.
  @discardableResult
  func walk(_ word: String, stems body: (Int32) -> Void) -> Int32 {
    var word = word
    return word.withUTF8 { walk($0, stems: body) }
  }

  /// The node the walk along `bytes` ends at, if there is one.
  private func node(at bytes: [UInt8]) -> Int? {
    withNodes { nodes in
      var node = 0
      for byte in bytes {
        node = Self.follow(nodes, node, byte)
        if node == Self.noNode { return nil }
      }
      return node
    }
  }

  /// The id of a stem, if the trie holds it.
  func id(ofStem bytes: [UInt8]) -> Int32? {
    guard let node = node(at: bytes) else { return nil }
    let stem = withNodes { Self.stem($0, node) }
    return stem >= 0 ? stem : nil
  }

  /// The id of a whole word, if the trie holds it.
  func id(ofWord bytes: [UInt8]) -> Int32? {
    guard !bytes.isEmpty, let node = node(at: bytes) else { return nil }
    let id = withNodes { Self.word($0, node) }
    return id >= 0 ? id : nil
  }
}
