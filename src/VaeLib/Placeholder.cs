namespace VaeLib; internal static class Placeholder { }
