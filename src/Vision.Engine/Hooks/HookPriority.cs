namespace Vision.Engine.Hooks;

/// <summary>
/// The order in which hooks run at each lifecycle point, lowest value first, with MMEngine's names and values
/// (HIGHEST = 0 … LOWEST = 100). Hooks of equal priority run in registration order. Any value in between works:
/// <c>(HookPriority)45</c>.
/// </summary>
public enum HookPriority
{
    /// <summary>HIGHEST, 0.</summary>
    Highest = 0,
    /// <summary>VERY_HIGH, 10.</summary>
    VeryHigh = 10,
    /// <summary>HIGH, 30.</summary>
    High = 30,
    /// <summary>ABOVE_NORMAL, 40.</summary>
    AboveNormal = 40,
    /// <summary>NORMAL, 50 (the default).</summary>
    Normal = 50,
    /// <summary>BELOW_NORMAL, 60.</summary>
    BelowNormal = 60,
    /// <summary>LOW, 70.</summary>
    Low = 70,
    /// <summary>VERY_LOW, 90.</summary>
    VeryLow = 90,
    /// <summary>LOWEST, 100.</summary>
    Lowest = 100,
}
