/// The version `qda --version` prints.
enum QDAVersion {
  static let current = "0.1.0"
}
