/* src/cli/entry.c - main(): the tool is iaf_cli_main (main.c). */
#include "commands.h"

int main(int argc, char **argv)
{
    return iaf_cli_main(argc, argv);
}
