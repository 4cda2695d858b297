/// The product's name and version, as shown by `--version` and sent in the `User-Agent`.
public enum ProductVersion {
    /// The product name.
    public static let name = "credit-reconciler"
    /// The semantic version of this build.
    public static let version = "0.1.0"
    /// `name/version`, the form used in a `User-Agent` header.
    public static var userAgent: String { "\(name)/\(version)" }
}
