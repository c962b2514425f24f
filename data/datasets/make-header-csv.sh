#!/bin/sh
# Writes iris-header.csv and wine-header.csv (a header row, the class as its name) from scikit-learn's
# iris.csv and wine_data.csv in this folder. Deterministic: rerunning it reproduces the committed files.
set -eu
cd "$(dirname "$0")"
convert() { # $1 source, $2 target, $3 header
  awk -F, -v header="$3" 'NR == 1 { n = split($0, f, ","); for (i = 3; i <= n; i++) name[i - 3] = f[i]; print header; next }
    { line = $1; for (i = 2; i < NF; i++) line = line "," $i; print line "," name[$NF] }' "$1" > "$2"
}
convert iris.csv iris-header.csv "sepal_length,sepal_width,petal_length,petal_width,species"
convert wine_data.csv wine-header.csv "alcohol,malic_acid,ash,alcalinity_of_ash,magnesium,total_phenols,flavanoids,nonflavanoid_phenols,proanthocyanins,color_intensity,hue,od280_od315,proline,cultivar"
