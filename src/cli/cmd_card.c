/* src/cli/cmd_card.c - `iaf card CARD.md`: the independence statements a
 * dataset card makes, proposed by pattern with the columns each card word
 * maps to (iaf/card.h), and a draft spec with them. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "iaf/buffer.h"
#include "iaf/card.h"

static void help(void)
{
    printf("Usage: iaf card CARD.md [options]\n\n"
           "Propose the independence statements of a dataset card (\"occupations are\n"
           "independent of education given district, age and sex\" and close variants),\n"
           "each with its sentence, its line and the column every card word maps to (or\n"
           "UNMAPPED), and write a draft spec with them as disclosures (independent:,\n"
           "given:) and conditional_independence checks. Nothing is guessed silently: the\n"
           "rule behind every mapping is printed. See docs/method.md.\n\n"
           "Options:\n"
           "      --columns LIST   the dataset's columns (default: the card's Schema line)\n"
           "  -o, --output FILE    write the draft spec there (default: after the proposals,\n"
           "                       on stdout)\n"
           "  -h, --help           this text\n");
}

int cmd_card(int argc, char **argv)
{
    enum { O_COLUMNS = 256 };
    static const struct option opts[] = {{"columns", required_argument, NULL, O_COLUMNS},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *output = NULL, *columns = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_COLUMNS:
            columns = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_bad_option("card", opts, c, argv);
        }
    }
    if (argc - optind != 1) return cli_usage_error("card", "needs exactly one CARD file");
    const char *in = argv[optind];
    char **cols = NULL;
    int ncols = 0;
    if (columns && (ncols = cli_split(columns, &cols)) < 0) return cli_oom();
    if (columns && ncols == 0) {
        cli_free_list(cols);
        return cli_usage_error("card", "--columns needs at least one column");
    }
    iaf_error err = {0};
    iaf_buffer *prop = iaf_buffer_new(), *draft = iaf_buffer_new();
    cli_outset *outs = NULL;
    int rc = EXIT_DATA;
    if (!prop || !draft) {
        rc = cli_oom();
        goto done;
    }
    if (iaf_card_propose(in, columns ? (const char *const *)cols : NULL, (size_t)ncols, prop, draft,
                         NULL, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    fwrite(iaf_buffer_data(prop), 1, iaf_buffer_len(prop), stdout);
    if (!output) {
        printf("--- draft spec ---\n");
        fwrite(iaf_buffer_data(draft), 1, iaf_buffer_len(draft), stdout);
        rc = EXIT_OK;
        goto done;
    }
    if (cli_input_add(in) != 0 || !(outs = cli_outset_new())) {
        rc = cli_oom();
        goto done;
    }
    if (cli_outset_add(outs, output, iaf_buffer_data(draft), iaf_buffer_len(draft), &err) !=
            IAF_OK ||
        cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    printf("draft spec: %s\n", output);
    rc = EXIT_OK;
done:
    cli_outset_free(outs);
    iaf_buffer_free(prop);
    iaf_buffer_free(draft);
    cli_free_list(cols);
    return rc;
}
