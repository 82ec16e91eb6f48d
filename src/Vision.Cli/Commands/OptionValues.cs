using System.CommandLine;
using System.Globalization;

namespace Vision.Cli.Commands;

/// <summary>Validation and parsing shared by the commands' options, so every command words a bad value the same way.</summary>
public static class OptionValues
{
    /// <summary>Makes <paramref name="option"/> reject zero and negative values with a message naming the option.</summary>
    public static Option<int> MustBePositive(this Option<int> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value <= 0)
            {
                result.AddError($"{option.Name} must be a positive integer, got {value}.");
            }
        });
        return option;
    }

    /// <summary>Makes <paramref name="option"/> reject negative values (0 being a meaningful "off") with a message naming the option.</summary>
    public static Option<int> MustNotBeNegative(this Option<int> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < 0)
            {
                result.AddError($"{option.Name} must be 0 or more, got {value}.");
            }
        });
        return option;
    }

    /// <summary>Makes <paramref name="option"/> reject values outside [0, 1) with a message naming the option.</summary>
    public static Option<double> MustBeFraction(this Option<double> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!(value >= 0 && value < 1))
            {
                result.AddError($"{option.Name} must be a fraction in [0, 1), got {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        });
        return option;
    }

    /// <summary>Parses a comma-separated list of numbers such as "123.675,116.28,103.53" (invariant culture).</summary>
    /// <exception cref="ArgumentException">An item is not a finite number; the message names <paramref name="optionName"/> and the item.</exception>
    public static IReadOnlyList<double> ParseNumbers(string text, string optionName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new double[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            if (!double.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
            {
                throw new ArgumentException($"{optionName}: '{items[i]}' is not a number (expected a comma-separated list such as 123.675,116.28,103.53).");
            }
        }
        return numbers;
    }
}
