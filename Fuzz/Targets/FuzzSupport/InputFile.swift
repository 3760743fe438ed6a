import Foundation

/// The readers under test read files: each input is written to one file of
/// this process (named with the given extension) and its path handed over.
public enum InputFile {
  /// Writes the input and returns the file's path.
  public static func write(
    _ start: UnsafeRawPointer, _ count: Int, extension: String
  ) -> String {
    let path = NSTemporaryDirectory() + "qda-fuzz-\(getpid()).\(`extension`)"
    let data = Data(bytes: start, count: count)
    FileManager.default.createFile(atPath: path, contents: data)
    return path
  }
}
