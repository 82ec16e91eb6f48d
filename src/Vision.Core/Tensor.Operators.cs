using static Vision.Native.NativeMethods;

namespace Vision;

// C# operators. == and != are deliberately not overloaded (they would break null checks); use eq/ne.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double b) => a.add(b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => b.add(a);
    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double b) => a.sub(b);
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double a, Tensor b) => b.R(vt_rsub_scalar(b.Handle, a, out var r), r);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.neg();
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.mul(b);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.mul(a);
    /// <summary>Elementwise true division.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.div(b);
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(double a, Tensor b) => b.R(vt_rdiv_scalar(a, b.Handle, out var r), r);
    /// <summary>Python-style modulus.</summary>
    public static Tensor operator %(Tensor a, Tensor b) => a.remainder(b);
    /// <summary>Python-style modulus by a scalar.</summary>
    public static Tensor operator %(Tensor a, double b) => a.remainder(b);
    /// <summary>Elementwise &lt;.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.lt(b);
    /// <summary>Elementwise &gt;.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.gt(b);
    /// <summary>Elementwise &lt;=.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.le(b);
    /// <summary>Elementwise &gt;=.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.ge(b);
    /// <summary>Elementwise &lt; scalar.</summary>
    public static Tensor operator <(Tensor a, double b) => a.lt(b);
    /// <summary>Elementwise &gt; scalar.</summary>
    public static Tensor operator >(Tensor a, double b) => a.gt(b);
    /// <summary>Elementwise &lt;= scalar.</summary>
    public static Tensor operator <=(Tensor a, double b) => a.le(b);
    /// <summary>Elementwise &gt;= scalar.</summary>
    public static Tensor operator >=(Tensor a, double b) => a.ge(b);
    /// <summary>Bitwise (logical for bool) and.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => a.bitwise_and(b);
    /// <summary>Bitwise (logical for bool) or.</summary>
    public static Tensor operator |(Tensor a, Tensor b) => a.bitwise_or(b);
    /// <summary>Logical not.</summary>
    public static Tensor operator !(Tensor a) => a.logical_not();
}
