#!/bin/bash
# Errors a user meets in a spec or with a column name: located as FILE:LINE:COL at the
# place in the spec (the check's line and column, or the offending character of an
# expression), naming the check; an empty spec said so; a column that is not there
# answered with the closest name ("did you mean 'occupation'?"), the data file named once.
set -uo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
# the work directory, the counters and `expect CODE PATTERN -- command...`
. "$IAF_SRC/tests/lib/expect.bash"
# once WORD: WORD occurs exactly once in the last stderr
once() {
    n=$((n + 1))
    local k
    k=$(grep -o -F -- "$1" err.txt | wc -l)
    [ "$k" -eq 1 ] || { echo "FAIL [$n]: '$1' named $k times: $(cat err.txt)"; fails=$((fails + 1)); }
}

g=$IAF_SRC/tests/golden/html_audit_small
cp "$g"/*.csv "$g"/audit.yaml .
# line numbers of the golden spec this test edits (found, not hard-coded)
line_of() { grep -n -F -- "$1" audit.yaml | head -1 | cut -d: -f1; }

# --- empty specs ---
: >empty.yaml
expect 1 '^iaf: empty.yaml: empty spec$' -- "$IAF" audit empty.yaml -o o
printf '# only a comment\n\n   \n' >blank.yaml
expect 1 '^iaf: blank.yaml: empty spec$' -- "$IAF" audit blank.yaml -o o
n=$((n + 1))
grep -qi 'fy_\|libfyaml\|document()' err.txt && { echo "FAIL [$n]: libfyaml internals: $(cat err.txt)"; fails=$((fails + 1)); }

# --- a spec error names the check and its FILE:LINE:COL ---
L=$(line_of 'theta: 0.25')
sed 's/theta: 0.25/theta: 2.5/' audit.yaml >theta.yaml
# "    theta: 2.5": the value starts in column 12
expect 1 "^iaf: theta.yaml:$L:12: check 'female_share_male_dominated': theta must be between 0 and 1" -- \
    "$IAF" audit theta.yaml -o o
L=$(line_of 'reference: ref_sex_occ')
sed '0,/reference: ref_sex_occ$/s//reference: ref_sex_oc/' audit.yaml >ref.yaml
expect 1 "^iaf: ref.yaml:$L:16: check 'sex_x_occupation': no reference with id 'ref_sex_oc'" -- \
    "$IAF" audit ref.yaml -o o

# an expression: the column of the offending character, plain or quoted
L=$(line_of "rule: 'rank ==")
sed "s/rule: 'rank == \"병사\"/rule: 'rank === \"병사\"/" audit.yaml >rule1.yaml
# "    rule: 'rank === ...": the quote is column 11, so the third '=' is column 19
expect 1 "^iaf: rule1.yaml:$L:19: check 'no_female_enlisted': expected a value or column name after '==', found '='" -- \
    "$IAF" audit rule1.yaml -o o
sed "s/rule: 'rank == \"병사\" => sex == \"남자\"'/rule: rank === x => sex == y/" audit.yaml >rule2.yaml
expect 1 "^iaf: rule2.yaml:$L:18: check 'no_female_enlisted': expected a value" -- "$IAF" audit rule2.yaml -o o

# --- a column that is not there: the closest name, the file once ---
L=$(line_of '  - id: sex_x_occupation')
sed 's/attributes: \[occupation, sex\]/attributes: [ocupation, sex]/' audit.yaml >col1.yaml
expect 1 "^iaf: col1.yaml:$L:5: check 'sex_x_occupation': \./personas.csv: no column 'ocupation'; did you mean 'occupation'\?" -- \
    "$IAF" audit col1.yaml -o o
once personas.csv
# through an attribute's column
L=$(line_of '  - id: female_share_male_dominated')
sed 's/    column: occupation/    column: occupaton/' audit.yaml >col2.yaml
expect 1 "^iaf: col2.yaml:$L:5: check 'female_share_male_dominated': .*no column 'occupaton'; did you mean 'occupation'\?" -- \
    "$IAF" audit col2.yaml -o o
# a rule's variable
L=$(line_of '  - id: no_female_enlisted')
sed "s/rule: 'rank == /rule: 'rnk == /" audit.yaml >col3.yaml
expect 1 "^iaf: col3.yaml:$L:5: check 'no_female_enlisted': .*no column 'rnk'; did you mean 'rank'\?" -- \
    "$IAF" audit col3.yaml -o o
# a count-table reference that lacks the column
sed 's/^sex,/gender,/' ref_sex.csv >ref_gender.csv
L=$(line_of '  - id: sex_marginal')
sed 's/file: ref_sex.csv/file: ref_gender.csv/' audit.yaml >col4.yaml
expect 1 "^iaf: col4.yaml:$L:5: check 'sex_marginal', reference 'ref_sex': \./ref_gender.csv: count table has no column 'sex'" -- \
    "$IAF" audit col4.yaml -o o
once ref_gender.csv
# nothing close: no guess
sed 's/attributes: \[occupation, sex\]/attributes: [zzzzzzzz, sex]/' audit.yaml >col5.yaml
expect 1 "no column 'zzzzzzzz' \(its columns: 'id', 'sex', 'age_band', 'occupation', 'rank'\)$" -- \
    "$IAF" audit col5.yaml -o o

# iaf count: CSV and Parquet, the file once; ASCII case and Korean names too
expect 1 "^iaf: personas.csv: no column 'ocupation'; did you mean 'occupation'\? \(its columns: " -- \
    "$IAF" count personas.csv --by ocupation
once personas.csv
expect 1 "no column 'Occupation'; did you mean 'occupation'\?" -- "$IAF" count personas.csv --by Occupation
printf '직업,성별\n교사,여자\n' >ko.csv
expect 1 "no column '직엽'; did you mean '직업'\?" -- "$IAF" count ko.csv --by 직엽
pq=$IAF_SRC/tests/data/parquet/interop/codec-gzip-v1.parquet
cp "$pq" p.parquet
expect 1 "^iaf: p.parquet: unknown column 'provnce'; did you mean 'province'\? \(the file has " -- \
    "$IAF" count p.parquet --by provnce
once p.parquet
expect 1 "unknown column 'maritalstatus'; did you mean 'marital_status'\?" -- "$IAF" count p.parquet --by maritalstatus

echo "$n cases, $fails failed"
[ "$fails" = 0 ]
