using Hpo.Workloads.Tabular;

namespace Hpo.Workloads.Tests.Tabular;

public sealed class TabularDataTests
{
    private static TabularDataOptions Options(string path, string label, TabularTask? task = null, string[]? ignore = null, string? metric = null, string? validation = null) =>
        new() { DatasetPath = path, Label = label, Task = task, Ignore = ignore ?? [], Metric = metric, ValidationPath = validation };

    [Fact]
    public void Load_Iris_InfersMulticlassWithThreeClassesAndAStratifiedSplit()
    {
        var data = TabularData.Load(Options(TabularFiles.Iris, "species"));

        Assert.Equal(TabularTask.Multiclass, data.Task);
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames);
        Assert.Equal(4, data.FeatureCount);
        Assert.Equal((120, 30), (data.TrainRows, data.ValidationRows));
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(10, data.ValidationTargets.Count(t => (int)t == c)));
        Assert.Equal("val_accuracy", data.Metric.Name);
    }

    [Fact]
    public void Load_WineAlcohol_InfersRegressionAndOneHotEncodesTheCultivar()
    {
        var data = TabularData.Load(Options(TabularFiles.Wine, "alcohol"));

        Assert.Equal(TabularTask.Regression, data.Task);
        Assert.Empty(data.ClassNames);
        Assert.Equal(12 + 3, data.FeatureCount);
        Assert.Contains(("cultivar", "one-hot (3 values)"), data.Encodings);
        Assert.Equal("val_rmse", data.Metric.Name);

        // Standardised with the training rows' statistics: each numeric training column has mean 0.
        for (int j = 0; j < 12; j++)
        {
            double mean = Enumerable.Range(0, data.TrainRows).Average(i => data.TrainFeatures[(i * data.FeatureCount) + j]);
            Assert.InRange(mean, -1e-4, 1e-4);
        }
    }

    [Fact]
    public void Load_MissingValuesAndManyCategories_ImputedIndicatedAndHashed()
    {
        string path = TabularFiles.Write("x,city,y\n1,a,0\n,b,1\n3,c,0\nNA,d,1\n5,e,0\n6,f,1\n7,g,0\n8,h,1\n9,i,0\n10,j,1\n");

        var data = TabularData.Load(new TabularDataOptions { DatasetPath = path, Label = "y", MaxOneHot = 4, HashBuckets = 8 });

        Assert.Equal(TabularTask.Binary, data.Task);
        Assert.Equal(2, data.Columns.Single(c => c.Name == "x").Missing);
        Assert.Contains(("x", "standardised, missing imputed with the mean + indicator"), data.Encodings);
        Assert.Contains(("city", "hashed (8 buckets)"), data.Encodings);
        Assert.Equal(2 + 8, data.FeatureCount);
    }

    [Fact]
    public void Load_QuotedFieldsAndSemicolons_DetectedAndParsed()
    {
        string path = TabularFiles.Write("name;size;kind\n\"a;b\";1;x\n\"say \"\"hi\"\"\";2;y\n\"multi\nline\";3;x\nd;4;y\ne;5;x\nf;6;y\n");

        var schema = TabularSchema.Infer(path, "kind");

        Assert.Equal(';', schema.Separator);
        Assert.Equal(6, schema.RowsRead);
        Assert.Equal(TabularColumnKind.Categorical, schema.Columns[0].Kind);
        Assert.Equal(6, schema.Columns[0].Cardinality);
    }

    [Fact]
    public void Load_Tsv_TabDetectedAndTaskInferredFromIntegerLabels()
    {
        string path = TabularFiles.Write(string.Concat(Enumerable.Range(0, 40).Select(i => $"{i}\t{i % 3}\n").Prepend("x\tgrade\n")), ".tsv");

        var data = TabularData.Load(Options(path, "grade"));

        Assert.Equal(TabularTask.Multiclass, data.Task);
        Assert.Equal(["0", "1", "2"], data.ClassNames);
    }

    [Fact]
    public void Load_SeparateValidationFile_TrainsOnAllRowsOfTheDataset()
    {
        string train = TabularFiles.Binary(200, seed: 1);
        string validation = TabularFiles.Binary(50, seed: 2);

        var data = TabularData.Load(Options(train, "label", ignore: ["id"], validation: validation));

        Assert.Equal((200, 50), (data.TrainRows, data.ValidationRows));
        Assert.Equal(["no", "yes"], data.ClassNames);
    }

    [Theory]
    [InlineData("", null, "the file is empty")]
    [InlineData("a,b,y\n", null, "no data rows")]
    [InlineData("a,b,y\n1,2,0\n3,4\n", 3, "the row has 2 fields but the header has 3 columns")]
    [InlineData("a,b,y\n1,2,0\n3,4,0\n", null, "every row has the label '0'")]
    [InlineData("a,b,y\n1,\"2,0\n", 2, "a quoted field is not closed")]
    public void Load_BadFile_ErrorNamesFileAndLine(string text, int? line, string problem)
    {
        string path = TabularFiles.Write(text);

        var ex = Assert.Throws<TabularDataException>(() => TabularData.Load(Options(path, "y")));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"'{path}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(line, ex.Line);
    }

    [Fact]
    public void Load_UnknownLabel_ErrorListsTheColumns()
    {
        var ex = Assert.Throws<TabularDataException>(() => TabularData.Load(Options(TabularFiles.Iris, "class")));

        Assert.Contains("there is no label column 'class'; the columns are sepal_length, sepal_width, petal_length, petal_width, species", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextInANumericColumnBeyondTheTolerance_ErrorNamesTheFirstCell()
    {
        var lines = Enumerable.Range(0, 100).Select(i => $"{i},{i % 2}").ToList();
        lines[40] = "forty,0";
        lines[70] = "seventy,1";
        string path = TabularFiles.Write("x,y\n" + string.Join('\n', lines) + "\n");

        var ex = Assert.Throws<TabularDataException>(() => TabularData.Load(Options(path, "y")));

        Assert.Equal((42, "x"), (ex.Line, ex.Column));
        Assert.Contains("'forty' is not a number, and 2 cells", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextInANumericColumnWithinTheTolerance_CountedAsMissing()
    {
        var lines = Enumerable.Range(0, 300).Select(i => $"{i},{i % 2}").ToList();
        lines[40] = "oops,0";
        string path = TabularFiles.Write("x,y\n" + string.Join('\n', lines) + "\n");

        var data = TabularData.Load(Options(path, "y"));

        var x = data.Columns.Single(c => c.Name == "x");
        Assert.Equal((1, 1), (x.Missing, x.NonNumeric));
    }

    [Theory]
    [InlineData("regression", "the label is 'setosa', not a number")]
    [InlineData("binary", "the label has 3 classes; task 'binary' needs exactly 2")]
    public void Load_TaskThatDoesNotFitTheLabel_Error(string task, string problem)
    {
        var requested = Enum.Parse<TabularTask>(task, ignoreCase: true);

        var ex = Assert.Throws<TabularDataException>(() => TabularData.Load(Options(TabularFiles.Iris, "species", requested)));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Equal("species", ex.Column);
    }

    [Fact]
    public void Load_MetricOfAnotherTask_ErrorListsTheTasksMetrics()
    {
        var ex = Assert.Throws<ArgumentException>(() => TabularData.Load(Options(TabularFiles.Iris, "species", metric: "val_rmse")));

        Assert.Contains("val_accuracy, val_log_loss, val_macro_f1", ex.Message, StringComparison.Ordinal);
    }
}
