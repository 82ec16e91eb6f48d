namespace Vision.Engine.Visualization.Tsne;

/// <summary>
/// The Barnes–Hut quadtree over a 2-D embedding: each cell keeps its point count and centre of mass, so the repulsive
/// forces of a far cell (side² &lt; θ² · distance²) are taken from its centre of mass at once. Cells are kept in flat
/// arrays; points that coincide beyond <see cref="MaxDepth"/> share a leaf.
/// </summary>
internal sealed class QuadTree
{
    private const int MaxDepth = 48;

    // Flat arrays rather than lists: the force loop reads them millions of times per iteration.
    private double[] centerX, centerY, halfWidth, massX, massY;
    private int[] count, firstChild, point;
    private int cells;
    private double[] y = [];

    public QuadTree(int capacity)
    {
        var size = Math.Max(16, 4 * capacity);
        centerX = new double[size];
        centerY = new double[size];
        halfWidth = new double[size];
        massX = new double[size];
        massY = new double[size];
        count = new int[size];
        firstChild = new int[size];
        point = new int[size];
    }

    /// <summary>Rebuilds the tree over the first <paramref name="n"/> points of <paramref name="y"/> (x0, y0, x1, y1, …).</summary>
    public void Build(double[] y, int n)
    {
        this.y = y;
        cells = 0;
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]);
            maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]);
            maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        var half = Math.Max(Math.Max(maxX - minX, maxY - minY) / 2, 1e-5) * (1 + 1e-3);
        AddCell((minX + maxX) / 2, (minY + maxY) / 2, half);
        for (var i = 0; i < n; i++)
        {
            Insert(i);
        }
    }

    /// <summary>
    /// Adds point i's repulsion Σ_cells N·q²·(y_i − c), q = 1 / (1 + |y_i − c|²), as (<paramref name="forceX"/>, <paramref name="forceY"/>) and returns
    /// Σ_cells N·q (its share of the normaliser Z), leaving out the point itself.
    /// </summary>
    public double Repulsion(int i, double theta, out double forceX, out double forceY)
    {
        double z = 0, fx = 0, fy = 0;
        var xi = y[2 * i];
        var yi = y[2 * i + 1];
        var thetaSquared = theta * theta;
        var (counts, children, points, sumX, sumY, halves) = (count, firstChild, point, massX, massY, halfWidth);
        Span<int> stack = stackalloc int[4 * MaxDepth + 8];
        var top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            var cell = stack[--top];
            var n = counts[cell];
            if (n == 0)
            {
                continue;
            }
            var dx = xi - sumX[cell] / n;
            var dy = yi - sumY[cell] / n;
            var d2 = dx * dx + dy * dy;
            var leaf = children[cell] < 0;
            var side = 2 * halves[cell];
            if (leaf || side * side < thetaSquared * d2)
            {
                // A leaf holding point i itself contributes only its other (coincident) points, at distance 0.
                var others = leaf && points[cell] == i ? n - 1 : n;
                if (others == 0)
                {
                    continue;
                }
                var q = 1 / (1 + d2);
                z += others * q;
                var m = others * q * q;
                fx += m * dx;
                fy += m * dy;
            }
            else
            {
                for (var c = 0; c < 4; c++)
                {
                    stack[top++] = children[cell] + c;
                }
            }
        }
        forceX = fx;
        forceY = fy;
        return z;
    }

    private int AddCell(double cx, double cy, double half)
    {
        if (cells == count.Length)
        {
            var size = 2 * cells;
            Array.Resize(ref centerX, size);
            Array.Resize(ref centerY, size);
            Array.Resize(ref halfWidth, size);
            Array.Resize(ref massX, size);
            Array.Resize(ref massY, size);
            Array.Resize(ref count, size);
            Array.Resize(ref firstChild, size);
            Array.Resize(ref point, size);
        }
        centerX[cells] = cx;
        centerY[cells] = cy;
        halfWidth[cells] = half;
        massX[cells] = 0;
        massY[cells] = 0;
        count[cells] = 0;
        firstChild[cells] = -1;
        point[cells] = -1;
        return cells++;
    }

    private void Insert(int i)
    {
        var (px, py) = (y[2 * i], y[2 * i + 1]);
        var cell = 0;
        for (var depth = 0; ; depth++)
        {
            massX[cell] += px;
            massY[cell] += py;
            count[cell]++;
            if (firstChild[cell] < 0)
            {
                if (count[cell] == 1)
                {
                    point[cell] = i;
                    return;
                }
                if (depth >= MaxDepth)
                {
                    return;
                }
                // Split: the resident point moves one level down, then i continues from here.
                var resident = point[cell];
                point[cell] = -1;
                var half = halfWidth[cell] / 2;
                firstChild[cell] = AddCell(centerX[cell] - half, centerY[cell] - half, half);
                AddCell(centerX[cell] + half, centerY[cell] - half, half);
                AddCell(centerX[cell] - half, centerY[cell] + half, half);
                AddCell(centerX[cell] + half, centerY[cell] + half, half);
                var child = Quadrant(cell, y[2 * resident], y[2 * resident + 1]);
                massX[child] += y[2 * resident];
                massY[child] += y[2 * resident + 1];
                count[child] = 1;
                point[child] = resident;
            }
            cell = Quadrant(cell, px, py);
        }
    }

    private int Quadrant(int cell, double px, double py) =>
        firstChild[cell] + (px >= centerX[cell] ? 1 : 0) + (py >= centerY[cell] ? 2 : 0);
}
